package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds envoy-like, the Envoy stand-in, the way bazel builds Envoy: from a workspace with
 * relative source paths and {@code -fdebug-prefix-map=WORKSPACE=/proc/self/cwd}, so its debug
 * info names {@code /proc/self/cwd/source/...} and a debugger needs a source map to find the files.
 */
public final class EnvoyLike {
    /** Sources inside the workspace, as bazel would name them. */
    public static final String SERVER_SOURCE = "source/server/envoy_like.cc";
    static final List<String> SOURCES = List.of(SERVER_SOURCE, "source/common/request.h");
    /** Where bazel's debug config would leave the binary, relative to the workspace. */
    public static final String OUTPUT = "bazel-out/k8-dbg/bin/envoy-like";
    /** The comp_dir a bazel build records: the execroot seen through /proc/self/cwd. */
    public static final String REMOTE_ROOT = "/proc/self/cwd";

    private static final Pattern MARKER = Pattern.compile("//\\s*@line\\s+(\\w+)");

    public enum Compiler {
        GCC("g++"), CLANG("clang++-14");

        final String command;

        Compiler(String command) {
            this.command = command;
        }
    }

    /** A built envoy-like: the binary, its workspace, and the marked lines of the server source. */
    public record Build(Path binary, Path workspace, Map<String, Integer> lines) {
        public int line(String marker) {
            Integer line = lines.get(marker);
            if (line == null) {
                throw new IllegalArgumentException("no '// @line " + marker + "' in " + SERVER_SOURCE);
            }
            return line;
        }

        public Path serverSource() {
            return workspace.resolve(SERVER_SOURCE);
        }
    }

    private EnvoyLike() {
    }

    /** Writes the workspace under {@code dir} and compiles it; {@code statically} for container rootfs without libraries. */
    public static Build build(Path dir, Compiler compiler, boolean statically) {
        try {
            Path workspace = dir.resolve("workspace");
            for (String source : SOURCES) {
                Path target = workspace.resolve(source);
                Files.createDirectories(target.getParent());
                try (InputStream in = resource(source)) {
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path binary = workspace.resolve(OUTPUT);
            Files.createDirectories(binary.getParent());
            List<String> command = new ArrayList<>(List.of(compiler.command, "-g", "-O0", "-std=c++17",
                    "-fno-omit-frame-pointer", "-pthread", "-I.",
                    "-fdebug-prefix-map=" + workspace.toAbsolutePath() + "=" + REMOTE_ROOT,
                    SERVER_SOURCE, "-o", OUTPUT));
            if (statically) {
                command.add("-static");
            }
            run(command, workspace);
            return new Build(binary, workspace, markers(workspace.resolve(SERVER_SOURCE)));
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot build envoy-like in " + dir + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Integer> markers(Path source) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        List<String> text = Files.readAllLines(source, StandardCharsets.UTF_8);
        for (int i = 0; i < text.size(); i++) {
            Matcher m = MARKER.matcher(text.get(i));
            if (m.find()) {
                lines.put(m.group(1), i + 1);
            }
        }
        return lines;
    }

    private static InputStream resource(String source) throws IOException {
        InputStream in = EnvoyLike.class.getResourceAsStream("workspace/" + source);
        if (in == null) {
            throw new IOException("missing resource workspace/" + source);
        }
        return in;
    }

    /** Runs a build step in {@code cwd}; its output goes into the failure when it fails. */
    static void run(List<String> command, Path cwd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw MeshdbgException.failure(command.get(0) + " not found: install it (./setup.sh does)", e);
        }
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw MeshdbgException.failure(String.join(" ", command) + " failed: " + output.strip(), null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while compiling", e));
        }
    }
}
