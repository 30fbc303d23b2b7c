package dev.meshdbg.client;

import dev.meshdbg.errors.MeshdbgException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Finds a debugger by the version it reports, not by its name: Debian's lldb-19 package installs
 * {@code lldb-19} and no plain {@code lldb}, while a machine may still carry an old {@code lldb}.
 * Every candidate on PATH (and in {@code /usr/lib/llvm-N/bin}) is asked for its version and the newest wins.
 */
public final class Debuggers {
    private static final Pattern LLDB_NAME = Pattern.compile("lldb(-\\d+(\\.\\d+)*)?");
    private static final Pattern GDB_NAME = Pattern.compile("gdb(-multiarch)?");
    private static final Path LLVM_ROOTS = Path.of("/usr/lib");

    private Debuggers() {
    }

    /** The newest installed debugger of this kind, or a failure saying what to install. */
    public static DebuggerInstall find(Debugger debugger) {
        return installed(debugger).orElseThrow(() -> MeshdbgException.failure(
                "no " + debugger.command() + " found on PATH: install it (" + InstallAdvice.forDebugger(debugger) + ")", null));
    }

    /** The newest installed debugger of this kind, if any. */
    public static Optional<DebuggerInstall> installed(Debugger debugger) {
        return newest(debugger, candidates(debugger, searchDirs()));
    }

    /** The newest debugger among the candidates found in these directories (for tests and {@code --debugger-path}). */
    public static Optional<DebuggerInstall> installed(Debugger debugger, List<Path> dirs) {
        return newest(debugger, candidates(debugger, dirs));
    }

    /** Runs {@code EXECUTABLE --version} and parses what it says. */
    public static DebuggerInstall probe(Debugger debugger, Path executable) {
        String output = versionOutput(executable);
        return new DebuggerInstall(debugger, executable, DebuggerVersion.parse(debugger, output));
    }

    private static Optional<DebuggerInstall> newest(Debugger debugger, List<Path> candidates) {
        List<DebuggerInstall> found = new ArrayList<>();
        for (Path candidate : candidates) {
            try {
                found.add(probe(debugger, candidate));
            } catch (MeshdbgException e) {
                // A broken or foreign binary under a debugger's name: not a candidate.
            }
        }
        return found.stream().max(Comparator.comparingInt((DebuggerInstall i) -> i.version().major())
                .thenComparingInt(i -> i.version().minor())
                .thenComparingInt(i -> i.version().patch()));
    }

    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        try (DirectoryStream<Path> llvm = Files.newDirectoryStream(LLVM_ROOTS, "llvm-*")) {
            for (Path root : llvm) {
                dirs.add(root.resolve("bin"));
            }
        } catch (IOException e) {
            // No /usr/lib/llvm-*: PATH alone.
        }
        return dirs;
    }

    /** Executables named like the debugger, one per real file (lldb-19 and llvm-19/bin/lldb are one). */
    static List<Path> candidates(Debugger debugger, List<Path> dirs) {
        Pattern name = debugger == Debugger.LLDB ? LLDB_NAME : GDB_NAME;
        Map<Path, Path> byRealPath = new LinkedHashMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    if (name.matcher(p.getFileName().toString()).matches() && Files.isExecutable(p) && !Files.isDirectory(p)) {
                        realPath(p).ifPresent(real -> byRealPath.putIfAbsent(real, p));
                    }
                }
            } catch (IOException e) {
                // An unreadable PATH entry holds no candidates.
            }
        }
        return new ArrayList<>(byRealPath.values());
    }

    private static Optional<Path> realPath(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty(); // a dangling link
        }
    }

    private static String versionOutput(Path executable) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw MeshdbgException.failure(executable + " --version did not answer", null);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while asking " + executable + " for its version", e);
        }
    }
}
