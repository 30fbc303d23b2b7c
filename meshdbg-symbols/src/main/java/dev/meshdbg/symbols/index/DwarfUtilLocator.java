package dev.meshdbg.symbols.index;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code llvm-dwarfutil} by the version it reports, newest first: Debian's llvm-19 package
 * installs {@code llvm-dwarfutil-19} and {@code /usr/lib/llvm-19/bin/llvm-dwarfutil}, no plain name.
 * LLVM 14 has no llvm-dwarfutil at all, and only releases whose help lists
 * {@code --build-accelerator} can write {@code .debug_names}.
 */
public final class DwarfUtilLocator {
    /** The package that brings a suitable llvm-dwarfutil on Debian 12. */
    public static final String PACKAGE = "llvm-19";
    static final int MIN_MAJOR = 15;
    private static final Pattern NAME = Pattern.compile("llvm-dwarfutil(-\\d+)?");
    private static final Pattern VERSION = Pattern.compile("LLVM version (\\d+)\\.(\\d+)(\\.\\d+)?");

    private DwarfUtilLocator() {
    }

    /** The newest suitable llvm-dwarfutil on PATH or in /usr/lib/llvm-N/bin, or a failure naming the package. */
    public static IndexerInstall find() {
        return find(searchDirs());
    }

    /** The same among the executables in {@code dirs} (for tests). */
    public static IndexerInstall find(List<Path> dirs) {
        List<String> unsuitable = new ArrayList<>();
        Optional<IndexerInstall> best = Optional.empty();
        for (Path candidate : candidates(dirs)) {
            Optional<IndexerInstall> probed = probe(candidate, unsuitable);
            if (probed.isPresent() && (best.isEmpty() || major(probed.get()) > major(best.get()))) {
                best = probed;
            }
        }
        return best.orElseThrow(() -> MeshdbgException.failure("no llvm-dwarfutil that can build .debug_names (LLVM "
                + MIN_MAJOR + " or newer) found on PATH or in /usr/lib/llvm-*/bin"
                + (unsuitable.isEmpty() ? "" : " (" + String.join(", ", unsuitable) + ")")
                + ": install the " + PACKAGE + " package (apt-get install " + PACKAGE + ")", null));
    }

    private static Optional<IndexerInstall> probe(Path candidate, List<String> unsuitable) {
        Optional<String> versionOut = output(candidate, "--version");
        Matcher m = versionOut.map(VERSION::matcher).filter(Matcher::find).orElse(null);
        if (m == null) {
            unsuitable.add(candidate + " reports no LLVM version");
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        String version = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : m.group(3));
        if (major < MIN_MAJOR) {
            unsuitable.add(candidate + " is LLVM " + version);
            return Optional.empty();
        }
        if (!output(candidate, "--help").orElse("").contains("--build-accelerator")) {
            unsuitable.add(candidate + " (LLVM " + version + ") has no --build-accelerator");
            return Optional.empty();
        }
        return Optional.of(new IndexerInstall(IndexTool.LLVM, candidate, version));
    }

    private static int major(IndexerInstall install) {
        return Integer.parseInt(install.version().split("\\.")[0]);
    }

    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        List<Path> llvm = new ArrayList<>();
        try (DirectoryStream<Path> roots = Files.newDirectoryStream(Path.of("/usr/lib"), "llvm-*")) {
            roots.forEach(r -> llvm.add(r.resolve("bin")));
        } catch (IOException e) {
            // No /usr/lib/llvm-*: PATH alone.
        }
        llvm.sort(Comparator.comparing(Path::toString));
        dirs.addAll(llvm);
        return dirs;
    }

    /** Executables named like llvm-dwarfutil, one per real file (llvm-dwarfutil-19 and llvm-19/bin/llvm-dwarfutil are one). */
    static List<Path> candidates(List<Path> dirs) {
        Map<Path, Path> byRealPath = new LinkedHashMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    if (NAME.matcher(p.getFileName().toString()).matches() && Files.isExecutable(p) && !Files.isDirectory(p)) {
                        try {
                            byRealPath.putIfAbsent(p.toRealPath(), p);
                        } catch (IOException e) {
                            // A dangling link is not a candidate.
                        }
                    }
                }
            } catch (IOException e) {
                // An unreadable PATH entry holds no candidates.
            }
        }
        return new ArrayList<>(byRealPath.values());
    }

    /** What {@code EXECUTABLE ARGS...} prints (stdout and stderr), whatever its exit code; empty when it cannot run. */
    static Optional<String> output(Path executable, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(executable.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
