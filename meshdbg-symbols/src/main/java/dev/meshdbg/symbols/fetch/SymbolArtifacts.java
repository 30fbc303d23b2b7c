package dev.meshdbg.symbols.fetch;

import java.util.List;
import java.util.Locale;

/**
 * The file names Istio's release build uploads per istio/proxy commit: the unstripped optimized
 * Envoy as a tarball, its split-DWARF package, and sha256sum outputs. arm64 builds carry
 * {@code -arm64} after the sha.
 */
public record SymbolArtifacts(ProxySha sha, String arch) {
    /** The path of the binary inside the tarball. */
    public static final String TAR_ENTRY = "usr/local/bin/envoy";

    public static String arch(String machineOrOsArch) {
        String m = machineOrOsArch == null ? "" : machineOrOsArch.toLowerCase(Locale.ROOT);
        return m.equals("aarch64") || m.equals("arm64") ? "arm64" : "amd64";
    }

    private String stem() {
        return "envoy-symbol-" + sha.hex() + (arch.equals("arm64") ? "-arm64" : "");
    }

    public String tarball() {
        return stem() + ".tar.gz";
    }

    public String dwp() {
        return stem() + ".dwp";
    }

    /** Checksum files to look for, in order: the release script writes {@code <stem>.sha256} for the tarball. */
    public List<String> checksumsOf(String file) {
        return file.equals(tarball()) ? List.of(stem() + ".sha256", file + ".sha256") : List.of(file + ".sha256");
    }
}
