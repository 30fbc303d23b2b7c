package dev.meshdbg.agent.server;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a debug server inside a root filesystem ({@code /} locally, {@code /proc/PID/root} for a
 * target in another mount namespace) and returns its path as seen from inside that root.
 * Directories are searched in order; lldb-server is found by version, newest first, because
 * Debian installs {@code lldb-server-19} and {@code /usr/lib/llvm-19/bin/lldb-server}, not a
 * plain {@code lldb-server}.
 */
public final class DebugServerLocator {
    public static final List<String> BIN_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin");
    private static final Pattern VERSIONED = Pattern.compile("lldb-server-(\\d+)");
    private static final Pattern LLVM_DIR = Pattern.compile("llvm-(\\d+)");

    private DebugServerLocator() {
    }

    public static String locate(DebugServer.Kind kind, Path root) {
        return find(kind, root).orElseThrow(() -> MeshdbgException.failure(kind.serverName()
                + " not found under " + root + " (looked in " + String.join(", ", searched(kind, BIN_DIRS))
                + "): install " + (kind == DebugServer.Kind.GDBSERVER ? "gdbserver" : "lldb (for example lldb-19)"), null));
    }

    /** On a host: gdbserver from the usual directories, the newest lldb-server of any of them. */
    public static Optional<String> find(DebugServer.Kind kind, Path root) {
        if (kind == DebugServer.Kind.GDBSERVER) {
            return find(kind, root, BIN_DIRS);
        }
        List<String> all = new ArrayList<>();
        BIN_DIRS.forEach(dir -> all.addAll(candidates(root, dir)));
        list(root, "/usr/lib", LLVM_DIR).forEach(d -> all.add(d + "/bin/lldb-server"));
        return newest(root, all);
    }

    /** The server in the first of {@code dirs} that holds one (then LLVM's own directories, for lldb-server). */
    public static Optional<String> find(DebugServer.Kind kind, Path root, List<String> dirs) {
        for (String dir : dirs) {
            Optional<String> found = kind == DebugServer.Kind.GDBSERVER
                    ? Optional.of(dir + "/gdbserver").filter(p -> present(root, p))
                    : newest(root, candidates(root, dir));
            if (found.isPresent()) {
                return found;
            }
        }
        if (kind == DebugServer.Kind.LLDB_SERVER) {
            return newest(root, list(root, "/usr/lib", LLVM_DIR).stream().map(d -> d + "/bin/lldb-server").toList());
        }
        return Optional.empty();
    }

    /** What {@link #find(DebugServer.Kind, Path, List)} looks at, for error messages. */
    public static List<String> searched(DebugServer.Kind kind, List<String> dirs) {
        List<String> looked = new ArrayList<>();
        for (String dir : dirs) {
            looked.add(dir + "/" + kind.serverName() + (kind == DebugServer.Kind.LLDB_SERVER ? "[-NN]" : ""));
        }
        if (kind == DebugServer.Kind.LLDB_SERVER) {
            looked.add("/usr/lib/llvm-NN/bin/lldb-server");
        }
        return looked;
    }

    /**
     * True when the path names a file inside the root. Links are not followed: inside another
     * root one may be absolute, pointing into that root, not ours; starting it says the rest.
     */
    public static boolean present(Path root, String path) {
        Path p = inside(root, path);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p);
    }

    private static List<String> candidates(Path root, String dir) {
        List<String> out = new ArrayList<>(list(root, dir, VERSIONED));
        out.add(dir + "/lldb-server");
        return out;
    }

    private static Optional<String> newest(Path root, List<String> candidates) {
        return candidates.stream().filter(p -> present(root, p)).max(Comparator.comparingInt(DebugServerLocator::version));
    }

    /** The LLVM major version in a path, or 0 for an unversioned {@code lldb-server}. */
    static int version(String path) {
        Matcher m = VERSIONED.matcher(path);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        m = LLVM_DIR.matcher(path);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static List<String> list(Path root, String dir, Pattern name) {
        try (Stream<Path> entries = Files.list(inside(root, dir))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> name.matcher(n).matches())
                    .map(n -> dir + "/" + n)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Path inside(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
