package dev.meshdbg.symbols.sourcemap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceMapTest {
    @Test
    void mostSpecificPrefixWinsAtPathBoundaries() {
        SourceMap map = SourceMap.of(List.of(
                new SourceMap.Entry("/proc/self/cwd", "/src/envoy"),
                new SourceMap.Entry("/proc/self/cwd/external/", "/exec/external")));
        assertThat(map.entries()).extracting(SourceMap.Entry::remotePrefix)
                .containsExactly("/proc/self/cwd/external", "/proc/self/cwd");
        assertThat(map.resolve("/proc/self/cwd/source/server.cc")).contains("/src/envoy/source/server.cc");
        assertThat(map.resolve("/proc/self/cwd/external/absl/a.cc")).contains("/exec/external/absl/a.cc");
        assertThat(map.resolve("/proc/self/cwd")).contains("/src/envoy");
        assertThat(map.resolve("/proc/self/cwdx/a.cc")).isEmpty();
        assertThat(map.resolve("/usr/include/stdio.h")).isEmpty();
    }

    @Test
    void classifiesBazelPrefixes() {
        assertThat(SourcePrefix.of("/proc/self/cwd/source/common/a.cc"))
                .isEqualTo(new SourcePrefix("/proc/self/cwd", SourcePrefix.Kind.WORKSPACE));
        assertThat(SourcePrefix.of("/proc/self/cwd/external/com_google_absl/x.cc").kind()).isEqualTo(SourcePrefix.Kind.EXTERNAL);
        assertThat(SourcePrefix.of("/proc/self/cwd/bazel-out/k8-dbg/bin/a.pb.cc").kind()).isEqualTo(SourcePrefix.Kind.BAZEL_OUT);
        assertThat(SourcePrefix.of("/home/.cache/bazel/_bazel_root/1e0b/sandbox/linux-sandbox/263/execroot/io_istio_proxy/src/a.cc"))
                .isEqualTo(new SourcePrefix("/home/.cache/bazel/_bazel_root/1e0b/sandbox/linux-sandbox/263/execroot/io_istio_proxy",
                        SourcePrefix.Kind.SANDBOX_EXECROOT));
        assertThat(SourcePrefix.of("/b/_bazel_ci/9f/execroot/envoy/source/a.cc"))
                .isEqualTo(new SourcePrefix("/b/_bazel_ci/9f/execroot/envoy", SourcePrefix.Kind.EXECROOT));
        assertThat(SourcePrefix.of("/usr/include/stdio.h")).isEqualTo(new SourcePrefix("/usr/include", SourcePrefix.Kind.ABSOLUTE));
        assertThat(SourcePrefix.of("external/zlib/inflate.c")).isEqualTo(new SourcePrefix("external", SourcePrefix.Kind.EXTERNAL));
        assertThat(SourcePrefix.of("a.c")).isEqualTo(new SourcePrefix(".", SourcePrefix.Kind.RELATIVE));
    }

    @Test
    void everySandboxMapsToTheWorkspaceAndItsExternalToTheExecutionRoot() {
        String s1 = "/home/.cache/bazel/_bazel_root/1e0b/sandbox/linux-sandbox/263/execroot/io_istio_proxy";
        String s2 = "/home/.cache/bazel/_bazel_root/1e0b/sandbox/processwrapper-sandbox/7/execroot/io_istio_proxy";
        SourceMap map = SourceMapDeriver.derive(List.of(s1 + "/src/envoy/a.cc", s2 + "/external/x/b.cc",
                "/proc/self/cwd/source/c.cc", "/usr/include/stdio.h"), Path.of("/ws"), Optional.of(Path.of("/exec")));
        assertThat(map.resolve(s1 + "/src/envoy/a.cc")).contains("/ws/src/envoy/a.cc");
        assertThat(map.resolve(s2 + "/src/z.cc")).contains("/ws/src/z.cc");
        assertThat(map.resolve(s2 + "/external/x/b.cc")).contains("/exec/external/x/b.cc");
        assertThat(map.resolve(s1 + "/bazel-out/k8-dbg/bin/g.cc")).contains("/exec/bazel-out/k8-dbg/bin/g.cc");
        assertThat(map.resolve("/proc/self/cwd/external/y/c.cc")).contains("/exec/external/y/c.cc");
        assertThat(map.resolve("/proc/self/cwd/source/c.cc")).contains("/ws/source/c.cc");
        assertThat(map.resolve("/usr/include/stdio.h")).isEmpty();
        assertThat(map.entries()).hasSize(9);
    }

    @Test
    void withoutAnExecutionRootOnlyTheWorkspaceIsMapped() {
        SourceMap map = SourceMapDeriver.derive(List.of("/proc/self/cwd/a.cc"), Path.of("/ws"), Optional.empty());
        assertThat(map.entries()).containsExactly(new SourceMap.Entry("/proc/self/cwd", "/ws"));
    }
}
