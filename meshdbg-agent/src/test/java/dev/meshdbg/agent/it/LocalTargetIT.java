package dev.meshdbg.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.HostnameReader;
import dev.meshdbg.agent.proc.ProcScanner;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.proc.Target;
import dev.meshdbg.agent.proc.TargetQuery;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.symbols.BuildId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Target resolution and the namespaced debug server against real envoy-like processes. */
class LocalTargetIT {
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    static String name;
    static Path binary;
    final ProcScanner scanner = ProcScanner.system();

    @BeforeAll
    static void build() throws Exception {
        build = EnvoyLike.build(dir.resolve("gcc"), EnvoyLike.Compiler.GCC, false);
        name = Fixtures.uniqueName();
        binary = Fixtures.renamed(build, name);
    }

    Target resolve(Long pid, String n, String pod, String container) {
        return TargetQuery.of(pid, n, pod, container).resolve(scanner, HostnameReader.system(scanner));
    }

    @Test
    void plainProcessByPidAndNameWithMatchingSymbols() throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(binary)) {
            Target t = resolve(envoy.pid(), null, null, null);
            assertThat(t.exe()).isEqualTo(binary.toRealPath().toString());
            assertThat(t.innerPid()).isEqualTo(envoy.pid());
            assertThat(t.isolatedFrom(scanner.ours())).isFalse();
            assertThat(resolve(null, name, null, null).hostPid()).isEqualTo(envoy.pid());

            SymbolsCheck.Verdict v = SymbolsCheck.verify(scanner.procRoot(), envoy.pid(), SymbolsCheck.Expected.of(build.binary()), false);
            assertThat(v.method()).isEqualTo("build-id");
            assertThat(v.match()).isTrue();
            assertThat(v.running()).isEqualTo(SymbolsCheck.runningBuildId(scanner.procRoot(), envoy.pid()).map(BuildId::hex));
        }
    }

    @Test
    void symbolsOfAnotherBinaryAreRefusedWithBothIds() throws Exception {
        EnvoyLike.Build other = EnvoyLike.build(dir.resolve("clang"), EnvoyLike.Compiler.CLANG, false);
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(binary)) {
            SymbolsCheck.Expected expected = SymbolsCheck.Expected.of(other.binary());
            String want = expected.buildId().orElseThrow().hex();
            String have = SymbolsCheck.runningBuildId(scanner.procRoot(), envoy.pid()).orElseThrow().hex();
            assertThatThrownBy(() -> SymbolsCheck.verify(scanner.procRoot(), envoy.pid(), expected, false))
                    .hasMessageContaining(want).hasMessageContaining(have).hasMessageContaining("--ignore-build-id-mismatch");
            SymbolsCheck.Verdict ignored = SymbolsCheck.verify(scanner.procRoot(), envoy.pid(), expected, true);
            assertThat(ignored.match()).isFalse();
            assertThat(ignored.ignored()).isTrue();
        }
    }

    @Test
    void errorsForUnknownPidAmbiguousNameAndUnknownContainer() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThatThrownBy(() -> resolve(gone.pid(), null, null, null)).hasMessageContaining("no process with pid " + gone.pid());
        try (EnvoyLikeProcess a = EnvoyLikeProcess.start(binary); EnvoyLikeProcess b = EnvoyLikeProcess.start(binary)) {
            assertThatThrownBy(() -> resolve(null, name, null, null))
                    .hasMessageContaining("2 processes match --name " + name)
                    .hasMessageContaining("pid " + a.pid()).hasMessageContaining("pid " + b.pid());
        }
        assertThatThrownBy(() -> resolve(null, null, null, "feedfacefeedface0000"))
                .hasMessageContaining("no process matches --container feedfacefeedface0000");
    }

    @Test
    void podInNewNamespacesIsFoundByHostnameAndDebuggedThroughNsenter() throws Exception {
        Assumptions.assumeTrue(Fixtures.root() && Fixtures.onPath("unshare") && Fixtures.onPath("nsenter"),
                "SKIPPED: needs root, unshare and nsenter for PID/mount/UTS namespaces");
        Assumptions.assumeTrue(Fixtures.onPath("gdb") && Fixtures.onPath("gdbserver"), "SKIPPED: needs gdb and gdbserver");
        String pod = "pod-" + name.substring(0, 4);
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(unshare(pod), binary);
             EnvoyLikeProcess twin = EnvoyLikeProcess.start(unshare(pod), binary)) {
            // Two "pods" with the same name: refused with both listed.
            assertThatThrownBy(() -> resolve(null, name, pod, null))
                    .hasMessageContaining("2 processes match").hasMessageContaining("hostname " + pod);
            twin.close();
            Target t = resolve(null, name, pod, null);
            assertThat(t.hostPid()).isEqualTo(envoy.pid());
            assertThat(t.innerPid()).isEqualTo(1);
            assertThat(t.hostname()).contains(pod);
            assertThat(t.isolatedFrom(scanner.ours())).isTrue();

            DebugServerLocator.Placement placement = new DebugServerLocator(scanner).locate(t, Debugger.GDB, Optional.empty());
            assertThat(placement.commandPrefix()).containsExactly("nsenter", "-t", Long.toString(envoy.pid()), "-m", "-p", "-u", "--");
            assertThat(placement.attachPid()).isEqualTo(1);
            try (PlacedServer server = PlacedServer.start(placement, Debugger.GDB)) {
                String out = DebugClients.gdb(envoy, server.port, build.binary(), build.line("handler"), "request.path");
                assertThat(out).contains("envoy_like.cc:" + build.line("handler")).contains("\"/poke\"");
            }
            awaitRunning(envoy);
        }
    }

    static List<String> unshare(String hostname) {
        return List.of("unshare", "--fork", "--pid", "--mount-proc", "--mount", "--uts", "sh", "-c",
                "hostname " + hostname + "; exec \"$0\" \"$@\"");
    }

    static void awaitRunning(EnvoyLikeProcess envoy) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (envoy.state().equals("t") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(envoy.state()).isNotEqualTo("t");
        assertThat(envoy.isAlive()).isTrue();
        assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
    }
}
