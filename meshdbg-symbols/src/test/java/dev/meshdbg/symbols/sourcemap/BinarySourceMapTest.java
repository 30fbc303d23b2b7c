package dev.meshdbg.symbols.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bazel-like build: workspace sources, an external repository and a generated file in an
 * execution root, compiled with the prefix maps bazel actions use (/proc/self/cwd, and two
 * different sandbox execroots). The derived map must find every unit's source file locally.
 */
class BinarySourceMapTest {
    static final String SANDBOX = "/home/.cache/bazel/_bazel_root/1e0b/sandbox/linux-sandbox/%d/execroot/io_istio_proxy";

    @TempDir
    static Path work;
    static Path workspace;
    static Path execRoot;
    static Path binary;

    @BeforeAll
    static void build() throws IOException {
        workspace = Files.createDirectories(work.resolve("proxy"));
        Files.writeString(workspace.resolve("WORKSPACE"), "workspace(name = \"io_istio_proxy\")\n");
        Files.createDirectories(workspace.resolve("src/envoy"));
        Files.writeString(workspace.resolve("src/envoy/main.cc"), "int ext();\nint gen();\nint lib();\nint main() { return ext() + gen() + lib(); }\n");
        Files.writeString(workspace.resolve("src/envoy/lib.cc"), "int lib() { return 1; }\n");
        execRoot = Files.createDirectories(work.resolve("output_base/execroot/io_istio_proxy"));
        Files.createDirectories(execRoot.resolve("external/com_google_absl"));
        Files.writeString(execRoot.resolve("external/com_google_absl/ext.cc"), "int ext() { return 2; }\n");
        Files.createDirectories(execRoot.resolve("bazel-out/k8-dbg/bin/gen"));
        Files.writeString(execRoot.resolve("bazel-out/k8-dbg/bin/gen/gen.pb.cc"), "int gen() { return 3; }\n");
        // bazel's execroot mirrors the workspace's top-level entries with symlinks.
        Files.createSymbolicLink(execRoot.resolve("src"), workspace.resolve("src"));
        Path obj = Files.createDirectories(work.resolve("obj"));
        compile("src/envoy/main.cc", obj.resolve("main.o"), "/proc/self/cwd");
        compile("external/com_google_absl/ext.cc", obj.resolve("ext.o"), "/proc/self/cwd");
        compile("bazel-out/k8-dbg/bin/gen/gen.pb.cc", obj.resolve("gen.o"), String.format(SANDBOX, 263));
        compile("src/envoy/lib.cc", obj.resolve("lib.o"), String.format(SANDBOX, 7));
        binary = execRoot.resolve("bazel-out/k8-dbg/bin/envoy");
        Toolchain.run(execRoot, "g++", "-o", binary.toString(), obj.resolve("main.o").toString(), obj.resolve("ext.o").toString(),
                obj.resolve("gen.o").toString(), obj.resolve("lib.o").toString());
    }

    private static void compile(String source, Path object, String remoteRoot) {
        Toolchain.run(execRoot, "g++", "-g", "-c", "-fdebug-prefix-map=" + execRoot + "=" + remoteRoot, source, "-o", object.toString());
    }

    @Test
    void givenExecutionRootEverySourceResolves() {
        BinarySourceMap r = BinarySourceMap.derive(binary, workspace, Optional.of(execRoot), "", work.resolve("nohome"));
        assertThat(r.executionRoot()).map(ExecutionRootView::of).contains(new ExecutionRootView(execRoot, "--execution-root"));
        assertThat(r.coverage().sourceFiles()).isEqualTo(4);
        assertThat(r.coverage().found()).as(r.coverage().toString()).isEqualTo(4);
        assertThat(r.map().resolve(String.format(SANDBOX, 7) + "/src/envoy/lib.cc"))
                .contains(workspace.resolve("src/envoy/lib.cc").toString());
    }

    @Test
    void discoversTheExecutionRootThroughTheBazelOutSymlink() throws IOException {
        Path checkout = Files.createDirectories(work.resolve("checkout-with-links"));
        copyTree(workspace, checkout);
        Files.createSymbolicLink(checkout.resolve("bazel-out"), execRoot.resolve("bazel-out"));
        BinarySourceMap r = BinarySourceMap.derive(binary, checkout, Optional.empty(), "", work.resolve("nohome"));
        assertThat(r.executionRoot().orElseThrow().path()).isEqualTo(execRoot.toRealPath());
        assertThat(r.executionRoot().orElseThrow().foundBy()).contains("bazel-out");
        assertThat(r.coverage().found()).isEqualTo(4);
    }

    @Test
    void discoversTheExecutionRootThroughBazelInfo() throws IOException {
        Path bin = Files.createDirectories(work.resolve("fakebin"));
        Path bazel = Files.writeString(bin.resolve("bazel"), "#!/bin/sh\n[ \"$1 $2\" = \"info execution_root\" ] && echo " + execRoot + "\n");
        bazel.toFile().setExecutable(true);
        BinarySourceMap r = BinarySourceMap.derive(binary, workspace, Optional.empty(), bin.toString(), work.resolve("nohome"));
        assertThat(r.executionRoot().orElseThrow().foundBy()).isEqualTo("bazel info execution_root");
        assertThat(r.coverage().found()).isEqualTo(4);
    }

    @Test
    void discoversTheExecutionRootInTheOutputBase() throws IOException {
        Path home = work.resolve("home");
        Path base = Files.createDirectories(home.resolve(".cache/bazel/_bazel_root/0123abcd/execroot"));
        Files.createSymbolicLink(base.resolve("io_istio_proxy"), execRoot);
        BinarySourceMap r = BinarySourceMap.derive(binary, workspace, Optional.empty(), "", home);
        assertThat(r.executionRoot().orElseThrow().foundBy()).contains("scan");
        assertThat(r.coverage().found()).isEqualTo(4);
    }

    @Test
    void withoutExecutionRootExternalAndGeneratedFilesStayUnresolved() {
        BinarySourceMap r = BinarySourceMap.derive(binary, workspace, Optional.empty(), "", work.resolve("nohome"));
        assertThat(r.executionRoot()).isEmpty();
        assertThat(r.coverage().found()).isEqualTo(2);
        assertThat(r.coverage().mappedButMissing()).isEqualTo(2);
        assertThat(r.coverage().unresolved()).extracting(SourceCoverage.Unresolved::kind)
                .containsExactlyInAnyOrder("external", "sandbox-execroot");
    }

    @Test
    void badDirectoriesAreBadInput() {
        assertThatThrownBy(() -> BinarySourceMap.derive(binary, work.resolve("nope"), Optional.empty(), "", work))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> BinarySourceMap.derive(binary, workspace, Optional.of(work.resolve("nope")), "", work))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("execution root");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** ExecutionRoot with a path comparable across symlinks. */
    record ExecutionRootView(Path path, String foundBy) {
        static ExecutionRootView of(dev.meshdbg.symbols.bazel.ExecutionRoot e) {
            return new ExecutionRootView(e.path(), e.foundBy());
        }
    }
}
