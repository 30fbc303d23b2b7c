package dev.meshdbg.symbols;

import dev.meshdbg.errors.MeshdbgException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A GNU build-id (the NT_GNU_BUILD_ID note): the identity of a binary, shared by the stripped
 * Envoy in the image and the debug Envoy on the workstation when they come from the same build.
 */
public record BuildId(String hex) {
    public BuildId {
        if (hex == null || hex.isEmpty() || hex.length() % 2 != 0 || !hex.chars().allMatch(BuildId::isHexDigit)) {
            throw MeshdbgException.badInput("not a build-id: '" + hex + "' (expected an even number of hex digits)");
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    /** Parses hex digits as printed by {@code readelf -n} or {@code file}. */
    public static BuildId ofHex(String hex) {
        return new BuildId(hex == null ? null : hex.strip());
    }

    /** The note's descriptor bytes. */
    public static BuildId ofBytes(byte[] bytes) {
        return new BuildId(HexFormat.of().formatHex(bytes));
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    @Override
    public String toString() {
        return hex;
    }
}
