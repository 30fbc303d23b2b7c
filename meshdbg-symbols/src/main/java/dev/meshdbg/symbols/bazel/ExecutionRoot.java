package dev.meshdbg.symbols.bazel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A bazel execution root ({@code <output base>/execroot/<ws>}) and how it was found. Discovery
 * tries, in order: {@code bazel info execution_root} when bazel is on PATH; the {@code bazel-<dir>}
 * and {@code bazel-out} convenience symlinks in the checkout; a scan of the default output user
 * root {@code ~/.cache/bazel/_bazel_<user>/<hash>/execroot/<ws>}.
 */
public record ExecutionRoot(Path path, String foundBy) {
    private static final Set<String> NOT_EXECROOT_LINKS = Set.of("bazel-bin", "bazel-out", "bazel-testlogs", "bazel-genfiles");
    private static final long BAZEL_INFO_TIMEOUT_SECONDS = 120;

    /**
     * @param workspaceNames names the execroot directory may have (from WORKSPACE and from the debug info)
     * @param pathEnv the PATH to look for bazel in (normally the environment's)
     * @param home the home directory whose ~/.cache/bazel to scan
     */
    public static Optional<ExecutionRoot> discover(Path sourceRoot, Collection<String> workspaceNames, String pathEnv,
                                                   Path home) {
        Optional<Path> bazel = onPath("bazel", pathEnv);
        if (bazel.isPresent()) {
            Optional<Path> info = bazelInfo(bazel.get(), sourceRoot);
            if (info.isPresent()) {
                return Optional.of(new ExecutionRoot(info.get(), "bazel info execution_root"));
            }
        }
        for (Path link : list(sourceRoot, "bazel-*")) {
            String name = link.getFileName().toString();
            if (Files.isSymbolicLink(link) && !NOT_EXECROOT_LINKS.contains(name)) {
                Optional<Path> target = real(link);
                if (target.isPresent() && target.get().getParent() != null
                        && target.get().getParent().getFileName() != null
                        && target.get().getParent().getFileName().toString().equals("execroot")) {
                    return Optional.of(new ExecutionRoot(target.get(), "the " + name + " symlink"));
                }
            }
        }
        Optional<Path> out = real(sourceRoot.resolve("bazel-out"));
        if (out.isPresent() && out.get().getParent() != null) {
            return Optional.of(new ExecutionRoot(out.get().getParent(), "the bazel-out symlink"));
        }
        return scanOutputBases(sourceRoot, workspaceNames, home)
                .map(p -> new ExecutionRoot(p, "a scan of " + home.resolve(".cache/bazel")));
    }

    /** Every {@code execroot/<ws>} under the default output user root, newest first. */
    public static List<Path> outputBaseExecRoots(Path home) {
        List<Path> roots = new ArrayList<>();
        for (Path user : list(home.resolve(".cache/bazel"), "_bazel_*")) {
            for (Path base : list(user, "*")) {
                roots.addAll(list(base.resolve("execroot"), "*").stream().filter(Files::isDirectory).toList());
            }
        }
        roots.sort(Comparator.comparingLong(ExecutionRoot::modified).reversed());
        return roots;
    }

    /** Prefers an execroot named like the workspace whose entries link back into this checkout. */
    private static Optional<Path> scanOutputBases(Path sourceRoot, Collection<String> names, Path home) {
        List<Path> roots = outputBaseExecRoots(home).stream()
                .filter(p -> names.isEmpty() || names.contains(p.getFileName().toString())).toList();
        Optional<Path> checkout = real(sourceRoot);
        for (Path root : roots) {
            for (Path entry : list(root, "*")) {
                Optional<Path> target = Files.isSymbolicLink(entry) ? real(entry) : Optional.empty();
                if (target.isPresent() && checkout.isPresent() && target.get().startsWith(checkout.get())) {
                    return Optional.of(root);
                }
            }
        }
        return roots.stream().findFirst();
    }

    static Optional<Path> onPath(String program, String pathEnv) {
        if (pathEnv == null) {
            return Optional.empty();
        }
        for (String dir : pathEnv.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> bazelInfo(Path bazel, Path sourceRoot) {
        Path out = null;
        try {
            // Output goes to a file so a bazel that hangs cannot block us past the timeout.
            out = Files.createTempFile("meshdbg-bazel-info", ".txt");
            Process p = new ProcessBuilder(bazel.toString(), "info", "execution_root")
                    .directory(sourceRoot.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!p.waitFor(BAZEL_INFO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String line = Files.readString(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0 || line.isEmpty() || line.contains("\n")) {
                return Optional.empty();
            }
            Path root = Path.of(line);
            return Files.isDirectory(root) ? Optional.of(root) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // A leftover temp file of a few bytes is harmless.
                }
            }
        }
    }

    static List<Path> list(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    static Optional<Path> real(Path p) {
        try {
            return Files.exists(p) ? Optional.of(p.toRealPath()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
