package dev.meshdbg.symbols.sourcemap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How well a source map works on this machine: for each unit's primary source file, whether it
 * exists locally after mapping, and which prefixes leave files unresolved.
 *
 * @param sourceFiles units with a primary source file
 * @param found files that exist locally, through the map or (absolute system paths) as they are
 * @param mappedButMissing files a map entry rewrote to a local path that does not exist
 * @param unmapped files no entry matched and that do not exist as recorded
 * @param unresolved the prefixes of the files not found, most files first
 */
public record SourceCoverage(int sourceFiles, int found, int mappedButMissing, int unmapped,
                             List<Unresolved> unresolved) {
    /** A prefix whose files were not found; {@code mapped} tells whether the map rewrote them. */
    public record Unresolved(String prefix, String kind, boolean mapped, int files, String example) {
    }

    public static SourceCoverage check(Collection<String> sourcePaths, SourceMap map) {
        int found = 0;
        int missing = 0;
        int unmapped = 0;
        Map<String, Unresolved> byPrefix = new HashMap<>();
        Map<String, Boolean> exists = new HashMap<>();
        for (String remote : sourcePaths) {
            Optional<String> local = map.resolve(remote);
            String candidate = local.orElse(remote);
            boolean present = candidate.startsWith("/")
                    && exists.computeIfAbsent(candidate, c -> Files.isRegularFile(Path.of(c)));
            if (present) {
                found++;
                continue;
            }
            if (local.isPresent()) {
                missing++;
            } else {
                unmapped++;
            }
            SourcePrefix p = SourcePrefix.of(remote);
            String prefix = local.isPresent() ? mappedPrefix(map, remote) : p.prefix();
            byPrefix.merge(prefix + "\0" + local.isPresent(),
                    new Unresolved(prefix, p.kind().label(), local.isPresent(), 1, remote),
                    (a, b) -> new Unresolved(a.prefix(), a.kind(), a.mapped(), a.files() + 1, a.example()));
        }
        List<Unresolved> unresolved = new ArrayList<>(byPrefix.values());
        unresolved.sort(Comparator.comparingInt(Unresolved::files).reversed().thenComparing(Unresolved::prefix));
        return new SourceCoverage(sourcePaths.size(), found, missing, unmapped, List.copyOf(unresolved));
    }

    /** The map entry that rewrote a path: reported so the user sees which target directory lacks files. */
    private static String mappedPrefix(SourceMap map, String remote) {
        for (SourceMap.Entry e : map.entries()) {
            if (SourcePrefix.under(remote, e.remotePrefix())) {
                return e.remotePrefix();
            }
        }
        return remote;
    }
}
