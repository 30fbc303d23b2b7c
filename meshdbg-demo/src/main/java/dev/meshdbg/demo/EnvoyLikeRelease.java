package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * envoy-like built the way Istio's release is: {@code -O2 -g -gsplit-dwarf} objects (DWARF 5
 * skeleton units), a linkstamp carrying the revision as {@code build_scm_revision}, linked twice by
 * lld — {@code envoy} with its debug skeletons and symbols (the release symbols), and
 * {@code envoy-alpha}, a separate {@code --strip-all} link (what the stock image runs), with its
 * own build-id — and {@code envoy.dwp} packed by llvm-dwp. {@link #publish} lays the symbols out
 * as Istio's bucket does.
 */
public final class EnvoyLikeRelease {
    /** Objects a release link takes, in bazel's order. */
    private static final List<String> OBJECTS = List.of("envoy_like.o", "version_linkstamp.o");

    /** The built files and the marked lines of the server source. */
    public record Build(String sha, Path symbols, Path dwp, Path stripped, Path workspace, Map<String, Integer> lines) {
        public int line(String marker) {
            return lines.get(marker);
        }
    }

    private EnvoyLikeRelease() {
    }

    public static Build build(Path dir, String sha) {
        EnvoyLike.Build sources = EnvoyLike.build(dir, EnvoyLike.Compiler.CLANG, false); // the workspace, and a -O0 twin
        Path ws = sources.workspace();
        try {
            Path out = ws.resolve("bazel-out/k8-opt/bin");
            Files.createDirectories(out);
            Files.writeString(ws.resolve("source/version_linkstamp.cc"),
                    "extern const char build_scm_revision[];\nconst char build_scm_revision[] = \"" + sha + "\";\n");
            List<String> flags = List.of("clang++-14", "-O2", "-g", "-gsplit-dwarf", "-std=c++17", "-pthread", "-I.",
                    "-fdebug-prefix-map=" + ws.toAbsolutePath() + "=" + EnvoyLike.REMOTE_ROOT, "-c");
            compile(flags, EnvoyLike.SERVER_SOURCE, out.resolve(OBJECTS.get(0)), ws);
            compile(flags, "source/version_linkstamp.cc", out.resolve(OBJECTS.get(1)), ws);
            Path symbols = link(ws, out, "envoy", List.of());
            Path stripped = link(ws, out, "envoy-alpha", List.of("-Wl,--strip-all"));
            Path dwp = out.resolve("envoy.dwp");
            EnvoyLike.run(List.of(llvmDwp(), "-e", symbols.toString(), "-o", dwp.toString()), ws);
            return new Build(sha, symbols, dwp, stripped, ws, sources.lines());
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot build the release envoy-like in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the bucket's files for {@code build} into {@code bucket}: {@code envoy-symbol-SHA.tar.gz}
     * ({@code usr/local/bin/envoy}), {@code .dwp}, and sha256sum outputs beside them.
     */
    public static void publish(Build build, Path bucket) throws IOException {
        Files.createDirectories(bucket);
        Path root = Files.createTempDirectory(bucket, "tar-root");
        Path bin = root.resolve("usr/local/bin");
        Files.createDirectories(bin);
        Files.copy(build.symbols(), bin.resolve("envoy"));
        String stem = "envoy-symbol-" + build.sha();
        Path tarball = bucket.resolve(stem + ".tar.gz");
        EnvoyLike.run(List.of("tar", "-czf", tarball.toString(), "-C", root.toString(), "usr/local/bin/envoy"), bucket);
        Files.delete(bin.resolve("envoy"));
        Files.delete(bin);
        Files.delete(bin.getParent());
        Files.delete(bin.getParent().getParent());
        Files.delete(root);
        Path dwp = Files.copy(build.dwp(), bucket.resolve(stem + ".dwp"));
        Files.writeString(bucket.resolve(stem + ".sha256"), sha256(tarball) + "  " + tarball.getFileName() + "\n");
        Files.writeString(bucket.resolve(stem + ".dwp.sha256"), sha256(dwp) + "  " + dwp.getFileName() + "\n");
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compile(List<String> flags, String source, Path object, Path ws) throws IOException {
        List<String> command = new ArrayList<>(flags);
        command.addAll(List.of(source, "-o", ws.relativize(object).toString()));
        EnvoyLike.run(command, ws);
    }

    private static Path link(Path ws, Path out, String name, List<String> extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("clang++-14", "-fuse-ld=lld-14", "-pthread", "-Wl,--build-id"));
        OBJECTS.forEach(o -> command.add(out.resolve(o).toString()));
        command.addAll(extra);
        command.addAll(List.of("-o", out.resolve(name).toString()));
        EnvoyLike.run(command, ws);
        return out.resolve(name);
    }

    /** llvm-dwp 19 when installed, else 14: both pack clang 14's DWARF 5 split units. */
    private static String llvmDwp() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "llvm-dwp-19"))) {
                return "llvm-dwp-19";
            }
        }
        return "llvm-dwp-14";
    }

}
