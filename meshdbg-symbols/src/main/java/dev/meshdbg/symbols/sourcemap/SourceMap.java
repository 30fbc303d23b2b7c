package dev.meshdbg.symbols.sourcemap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the source paths recorded in the debug info (remote prefixes such as {@code /proc/self/cwd})
 * live on this machine. Entries are kept most specific prefix first, which is the order lldb's
 * {@code target.source-map}, gdb's {@code set substitute-path} and VSCode's {@code sourceMap}
 * need so that {@code /proc/self/cwd/external} wins over {@code /proc/self/cwd}.
 */
public final class SourceMap {
    /** One rewrite: a path starting with {@code remotePrefix} (at a path boundary) moves under {@code localPath}. */
    public record Entry(String remotePrefix, String localPath) {
        public Entry {
            if (remotePrefix == null || remotePrefix.isEmpty()) {
                throw new IllegalArgumentException("a source-map prefix must not be empty");
            }
            if (localPath == null || localPath.isEmpty()) {
                throw new IllegalArgumentException("a source-map target must not be empty");
            }
            remotePrefix = trimTrailingSlash(remotePrefix);
            localPath = trimTrailingSlash(localPath);
        }
    }

    private static final SourceMap EMPTY = new SourceMap(List.of());

    private final List<Entry> entries;

    private SourceMap(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Orders the entries most specific (longest) prefix first; for a prefix given twice the first wins.
     */
    public static SourceMap of(List<Entry> entries) {
        Map<String, Entry> byPrefix = new LinkedHashMap<>();
        for (Entry e : entries) {
            byPrefix.putIfAbsent(e.remotePrefix(), e);
        }
        List<Entry> sorted = new ArrayList<>(byPrefix.values());
        sorted.sort(Comparator.comparingInt((Entry e) -> e.remotePrefix().length()).reversed());
        return new SourceMap(List.copyOf(sorted));
    }

    public static SourceMap empty() {
        return EMPTY;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The local path for a path from the debug info, or empty when no prefix matches. */
    public Optional<String> resolve(String remotePath) {
        if (remotePath == null) {
            return Optional.empty();
        }
        for (Entry e : entries) {
            String prefix = e.remotePrefix();
            if (remotePath.equals(prefix)) {
                return Optional.of(e.localPath());
            }
            if (remotePath.startsWith(prefix)
                    && (prefix.endsWith("/") || remotePath.charAt(prefix.length()) == '/')) {
                String rest = remotePath.substring(prefix.length());
                if (rest.startsWith("/") && e.localPath().endsWith("/")) {
                    rest = rest.substring(1);
                }
                return Optional.of(e.localPath() + rest);
            }
        }
        return Optional.empty();
    }

    private static String trimTrailingSlash(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceMap other && other.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "SourceMap" + entries;
    }
}
