package dev.meshdbg.symbols.bazel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.symbols.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugBuildFinderTest {
    @TempDir
    Path work;

    @Test
    void findsEnvoyOutputsNewestFirstWithTheirDwp() throws IOException {
        Path src = Files.createDirectories(work.resolve("build"));
        Path debug = Toolchain.compile(src, "gcc", List.of("-g"), Toolchain.writeProgram(src, false), "debug");
        Path stripped = src.resolve("stripped");
        Toolchain.run(src, "strip", "-o", stripped.toString(), debug.toString());

        Path checkout = Files.createDirectories(work.resolve("proxy"));
        Path outputBase = work.resolve("home/.cache/bazel/_bazel_root/1e0bb3be");
        Path execRoot = Files.createDirectories(outputBase.resolve("execroot/io_istio_proxy"));
        Path dbg = place(debug, execRoot.resolve("bazel-out/k8-dbg/bin/src/envoy/envoy"), 2_000);
        Files.writeString(dbg.resolveSibling("envoy.dwp"), "");
        Path opt = place(stripped, execRoot.resolve("bazel-out/k8-opt/bin/src/envoy/envoy"), 1_000);
        Files.createSymbolicLink(checkout.resolve("bazel-out"), execRoot.resolve("bazel-out"));
        Files.createSymbolicLink(checkout.resolve("bazel-bin"), execRoot.resolve("bazel-out/k8-dbg/bin"));
        // Found in the output base only, as in the seed procedure.
        Path other = Files.createDirectories(work.resolve("home/.cache/bazel/_bazel_root/99/execroot/envoy"));
        Path envoyStatic = place(debug, other.resolve("bazel-out/k8-dbg/bin/source/exe/envoy-static"), 3_000);
        Files.writeString(other.resolve("bazel-out/k8-dbg/bin/source/exe/not-envoy"), "x");

        List<DebugBuild> builds = DebugBuildFinder.find(checkout, work.resolve("home"));
        assertThat(builds).extracting(b -> b.realPath().toString())
                .containsExactly(envoyStatic.toRealPath().toString(), dbg.toRealPath().toString(), opt.toRealPath().toString());
        assertThat(builds).extracting(DebugBuild::hasDebugInfo).containsExactly(true, true, false);
        assertThat(builds).extracting(DebugBuild::config).containsExactly("k8-dbg", "", "k8-opt");
        assertThat(builds.get(1).dwp()).isPresent();
        assertThat(builds.get(0).dwp()).isEmpty();
        assertThat(builds.get(0).buildId()).isPresent();
    }

    @Test
    void notAnElfFileIsReportedNotFatal() throws IOException {
        Path checkout = Files.createDirectories(work.resolve("envoy"));
        Path bin = Files.createDirectories(checkout.resolve("bazel-bin/source/exe"));
        Files.writeString(bin.resolve("envoy-static"), "#!/bin/sh\n");
        List<DebugBuild> builds = DebugBuildFinder.find(checkout, work.resolve("nohome"));
        assertThat(builds).hasSize(1);
        assertThat(builds.get(0).error()).contains("not an ELF file");
    }

    private static Path place(Path from, Path to, long secondsAfterEpochOffset) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
        Files.setLastModifiedTime(to, FileTime.from(Instant.parse("2024-02-18T00:00:00Z").plusSeconds(secondsAfterEpochOffset)));
        return to;
    }
}
