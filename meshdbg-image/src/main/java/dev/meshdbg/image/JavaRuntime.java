package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The agent's Java runtime: {@code jlink} of the running JDK with only the modules the agent jar
 * uses (from {@code jdeps --print-module-deps}). jlink takes seconds, so runtimes are kept under
 * the cache keyed by JDK version and module set; a kept runtime also keeps Jib's layer cache warm.
 */
public final class JavaRuntime {
    private JavaRuntime() {
    }

    /** The modules {@code agentJar} needs, never fewer than java.base. */
    public static List<String> modulesOf(Path agentJar) {
        String out = runTool("jdeps", "--print-module-deps", "--ignore-missing-deps", "--multi-release", "17", agentJar.toString());
        TreeSet<String> modules = new TreeSet<>(List.of("java.base"));
        for (String m : out.strip().split(",")) {
            if (!m.isBlank()) {
                modules.add(m.strip());
            }
        }
        return List.copyOf(modules);
    }

    /** Returns a jlinked runtime with {@code modules}, creating it under {@code cacheDir} if needed. */
    public static Path linked(List<String> modules, Path cacheDir) {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path jmods = javaHome.resolve("jmods");
        if (!Files.isDirectory(jmods)) {
            throw MeshdbgException.failure("this Java (" + javaHome + ") has no jmods directory, which jlink needs: "
                    + "run meshdbg with a full JDK (e.g. openjdk-17-jdk-headless)", null);
        }
        String key = Runtime.version() + " " + javaHome + " " + String.join(",", modules);
        Path dir = cacheDir.resolve("jre").resolve(Runtime.version().feature() + "-" + shortHash(key));
        if (Files.isExecutable(dir.resolve("bin/java"))) {
            return dir;
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir.getParent());
            deleteTree(tmp);
            runTool("jlink", "--module-path", jmods.toString(), "--add-modules", String.join(",", modules),
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2",
                    "--output", tmp.toString());
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot create the agent runtime in " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
        return dir;
    }

    /** The runtime's ELF files, whose libraries must be bundled: the launcher and every shared object. */
    public static List<Path> elfFiles(Path runtime) {
        List<Path> files = new ArrayList<>();
        files.add(runtime.resolve("bin/java"));
        try (Stream<Path> all = Files.walk(runtime.resolve("lib"))) {
            all.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot list " + runtime + ": " + e.getMessage(), e);
        }
        return files;
    }

    /** File names of the runtime's own shared objects (found through its RUNPATH, not bundled again). */
    public static java.util.Set<String> ownLibraries(Path runtime) {
        java.util.Set<String> names = new TreeSet<>();
        for (Path p : elfFiles(runtime)) {
            names.add(p.getFileName().toString());
        }
        return names;
    }

    private static String runTool(String name, String... args) {
        ToolProvider tool = ToolProvider.findFirst(name).orElseThrow(() -> MeshdbgException.failure(
                "this Java has no " + name + ": run meshdbg with a full JDK (e.g. openjdk-17-jdk-headless)", null));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = tool.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        if (rc != 0) {
            throw MeshdbgException.failure(name + " " + String.join(" ", args) + " failed: " + (out + " " + err).strip(), null);
        }
        return out.toString();
    }

    private static String shortHash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(d, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover temp dir is harmless: the next run removes it first.
        }
    }
}
