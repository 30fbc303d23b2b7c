package dev.meshdbg.agent.server;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a debug server inside a root filesystem ({@code /} locally, {@code /proc/PID/root} for a
 * target in another mount namespace) and returns its path as seen from inside that root.
 * lldb-server is found by version, newest first: Debian installs {@code lldb-server-19} and
 * {@code /usr/lib/llvm-19/bin/lldb-server}, not a plain {@code lldb-server}.
 */
public final class DebugServerLocator {
    static final List<String> BIN_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin");
    private static final Pattern VERSIONED = Pattern.compile("lldb-server-(\\d+)");
    private static final Pattern LLVM_DIR = Pattern.compile("llvm-(\\d+)");

    private DebugServerLocator() {
    }

    public static String locate(DebugServer.Kind kind, Path root) {
        return find(kind, root).orElseThrow(() -> MeshdbgException.failure(kind.serverName()
                + " not found under " + root + " (looked in " + String.join(", ", BIN_DIRS)
                + (kind == DebugServer.Kind.LLDB_SERVER ? ", /usr/lib/llvm-*/bin" : "") + "): install "
                + (kind == DebugServer.Kind.GDBSERVER ? "gdbserver" : "lldb (for example lldb-19)"), null));
    }

    public static Optional<String> find(DebugServer.Kind kind, Path root) {
        if (kind == DebugServer.Kind.GDBSERVER) {
            return BIN_DIRS.stream().map(d -> d + "/gdbserver").filter(p -> executable(root, p)).findFirst();
        }
        String best = null;
        int bestVersion = -1;
        for (String candidate : lldbCandidates(root)) {
            int version = version(candidate);
            if (executable(root, candidate) && version > bestVersion) {
                best = candidate;
                bestVersion = version;
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<String> lldbCandidates(Path root) {
        List<String> out = new ArrayList<>();
        for (String dir : BIN_DIRS) {
            out.add(dir + "/lldb-server");
            out.addAll(list(root, dir, VERSIONED));
        }
        for (String llvm : list(root, "/usr/lib", LLVM_DIR)) {
            out.add(llvm + "/bin/lldb-server");
        }
        return out;
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

    private static boolean executable(Path root, String path) {
        Path p = inside(root, path);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    private static Path inside(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
