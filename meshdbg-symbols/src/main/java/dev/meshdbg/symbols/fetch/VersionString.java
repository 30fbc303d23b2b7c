package dev.meshdbg.symbols.fetch;

import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the revision Envoy was built from in its read-only data: Envoy links it in as a string of
 * 40 hex digits ({@code build_scm_revision}) and prints it first in its version,
 * {@code <sha>/1.x.y/Clean/RELEASE/BoringSSL}. Only an unambiguous answer counts.
 */
public final class VersionString {
    private static final List<String> SECTIONS = List.of(".rodata", ".data.rel.ro", ".data");
    private static final int SHA_LENGTH = 40;

    private VersionString() {
    }

    public static Optional<ProxySha> revision(ElfFile elf) {
        Set<String> found = new LinkedHashSet<>();
        for (String name : SECTIONS) {
            elf.section(name).ifPresent(b -> scan(b, found));
        }
        return found.size() == 1 ? ProxySha.tryParse(found.iterator().next()) : Optional.empty();
    }

    /** Collects every NUL-terminated string that is exactly 40 lowercase hex digits. */
    private static void scan(ByteBuffer b, Set<String> found) {
        int run = 0;
        for (int i = b.position(); i < b.limit(); i++) {
            byte c = b.get(i);
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                run++;
                continue;
            }
            if (run == SHA_LENGTH && c == 0 && (i - run == 0 || b.get(i - run - 1) == 0)) {
                byte[] s = new byte[SHA_LENGTH];
                b.get(i - SHA_LENGTH, s);
                found.add(new String(s, java.nio.charset.StandardCharsets.US_ASCII));
            }
            run = 0;
        }
    }
}
