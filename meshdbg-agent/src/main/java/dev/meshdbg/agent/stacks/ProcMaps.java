package dev.meshdbg.agent.stacks;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A process's memory mappings from {@code /proc/PID/maps}: where each file and each stack lies. */
public final class ProcMaps {
    /** One line: {@code [start, end)}, permissions, the file offset it maps, and the path (empty when anonymous). */
    public record Mapping(long start, long end, String perms, long offset, String path) {
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        public boolean executable() {
            return perms.length() > 2 && perms.charAt(2) == 'x';
        }

        /** Backed by a file (not {@code [stack]}, {@code [vdso]}, anonymous memory). */
        public boolean fileBacked() {
            return path.startsWith("/");
        }
    }

    private final List<Mapping> mappings;

    ProcMaps(List<Mapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    public static ProcMaps read(Path proc, long hostPid) {
        Path file = proc.resolve(hostPid + "/maps");
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static ProcMaps parse(List<String> lines) {
        List<Mapping> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.strip().split("\\s+", 6);
            if (f.length < 5) {
                continue;
            }
            int dash = f[0].indexOf('-');
            out.add(new Mapping(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                    Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16),
                    f.length > 5 ? f[5] : ""));
        }
        return new ProcMaps(out);
    }

    public List<Mapping> all() {
        return mappings;
    }

    public Optional<Mapping> at(long address) {
        for (Mapping m : mappings) {
            if (m.contains(address)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
