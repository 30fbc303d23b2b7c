package dev.meshdbg.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.HostnameReader;
import dev.meshdbg.agent.proc.ProcScanner;
import dev.meshdbg.agent.proc.Target;
import dev.meshdbg.agent.proc.TargetQuery;
import dev.meshdbg.demo.Containerd;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.demo.Rootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real containerd container (kubepods-like cgroup path) holding a static envoy-like and both
 * debug servers with their libraries: found by container id prefix, debugged from inside.
 */
class ContainerTargetTest {
    static final String POD_UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    static Containerd containerd;
    static Path rootfs;
    final ProcScanner scanner = ProcScanner.system();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "SKIPPED: needs root with containerd, ctr and runc on PATH");
        Assumptions.assumeTrue(Fixtures.onPath("gdb") && Fixtures.onPath("lldb-19") && Fixtures.onPath("lldb-server-19"),
                "SKIPPED: needs gdb, gdbserver, lldb-19 and lldb-server-19");
        build = EnvoyLike.build(dir.resolve("build"), EnvoyLike.Compiler.GCC, true);
        rootfs = Rootfs.create(dir.resolve("rootfs")).add(build.binary(), "/envoy-like")
                .addProgram(Path.of("/usr/bin/gdbserver")).addProgram(Path.of("/usr/bin/lldb-server-19")).dir();
        containerd = Containerd.start(dir.resolve("containerd"));
    }

    @AfterAll
    static void stop() {
        if (containerd != null) {
            containerd.close();
        }
    }

    @Test
    void gdbByContainerIdPrefix() throws Exception {
        debugInContainer(Debugger.GDB);
    }

    @Test
    void lldbByContainerIdPrefix() throws Exception {
        debugInContainer(Debugger.LLDB);
    }

    @Test
    void agentByContainerIdWithGdbThenLldbThroughTheGuard() throws Exception {
        String id = Containerd.newContainerId();
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(containerd.runCommand(id, rootfs, ""), Path.of("/envoy-like"))) {
            long pid = containerd.taskPid(id, Duration.ofSeconds(10));
            for (String debugger : new String[] {"gdb", "lldb"}) {
                try (AgentRun agent = AgentRun.start("--container", id.substring(0, 12), "--debugger", debugger)) {
                    String resolved = agent.await("resolved", 30);
                    assertThat(AgentRun.field(resolved, "hostPid")).isEqualTo(Long.toString(pid));
                    assertThat(AgentRun.field(resolved, "containerId")).isEqualTo(id);
                    String ready = agent.await("ready", 10);
                    assertThat(AgentRun.field(ready, "innerPid")).isEqualTo("1");
                    assertThat(AgentRun.field(ready, "server")).isEqualTo(debugger.equals("gdb") ? "/usr/bin/gdbserver" : "/usr/bin/lldb-server-19");
                    int port = agent.forward(ready);
                    int line = build.line("handler");
                    String out = debugger.equals("gdb")
                            ? DebugClients.gdb(envoy, port, build.binary(), line, "request.path")
                            : DebugClients.lldb(envoy, port, build.binary(), line, "request_number");
                    assertThat(out).contains("envoy_like.cc:" + line);
                    agent.await("client-disconnected", 10);
                    agent.process.toHandle().destroy();
                    agent.await("done", 15);
                    assertThat(agent.exit(10)).isZero();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (state(pid).equals("t") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(state(pid)).isNotEqualTo("t");
                assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
            }
        }
    }

    @Test
    void containerWithoutTheDebugServerIsDebuggedWithOursThroughProcRoot() throws Exception {
        Path bare = Rootfs.create(dir.resolve("bare")).add(build.binary(), "/envoy-like").dir();
        String id = Containerd.newContainerId();
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(containerd.runCommand(id, bare, ""), Path.of("/envoy-like"))) {
            long pid = containerd.taskPid(id, Duration.ofSeconds(10));
            Target t = TargetQuery.of(null, null, null, id).resolve(scanner, HostnameReader.system(scanner));
            // Nothing to run in its namespaces: our own server attaches by the host pid, no nsenter.
            DebugServerLocator.Placement own = new DebugServerLocator(scanner).locate(t, Debugger.LLDB, Optional.empty());
            assertThat(own.commandPrefix()).isEmpty();
            assertThat(own.attachPid()).isEqualTo(pid);
            assertThat(own.fileRoot()).isEqualTo("/proc/" + pid + "/root");
            // And where we have none either, one line says where it looked and what to do.
            Path empty = Files.createDirectories(dir.resolve("no-servers"));
            assertThatThrownBy(() -> new DebugServerLocator(scanner, empty).locate(t, Debugger.LLDB, Optional.empty()))
                    .hasMessageContaining("no lldb-server found for pid " + pid)
                    .hasMessageContaining("/proc/" + pid + "/root/opt/meshdbg/bin/lldb-server")
                    .hasMessageContaining("meshdbg image agent");
            try (AgentRun agent = AgentRun.start("--container", id, "--debugger", "lldb")) {
                String ready = agent.await("ready", 30);
                assertThat(AgentRun.field(ready, "namespaces")).isEqualTo("proc-root");
                String out = DebugClients.lldb(envoy, agent.forward(ready), build.binary(), build.line("handler"), "request_number");
                assertThat(out).contains("envoy_like.cc:" + build.line("handler"));
            }
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    void debugInContainer(Debugger debugger) throws Exception {
        String id = Containerd.newContainerId();
        String cgroup = "/kubepods/besteffort/pod" + POD_UID + "/" + id;
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(containerd.runCommand(id, rootfs, cgroup), Path.of("/envoy-like"))) {
            long pid = containerd.taskPid(id, Duration.ofSeconds(10));
            Target t = TargetQuery.of(null, null, null, id.substring(0, 12)).resolve(scanner, HostnameReader.system(scanner));
            assertThat(t.hostPid()).isEqualTo(pid);
            assertThat(t.innerPid()).isEqualTo(1);
            assertThat(t.containerId()).contains(id);
            assertThat(t.runtime()).contains("cri");
            assertThat(t.podUid()).contains(POD_UID);
            assertThat(t.isolatedFrom(scanner.ours())).isTrue();

            DebugServerLocator.Placement placement = new DebugServerLocator(scanner).locate(t, debugger, Optional.empty());
            assertThat(placement.binary()).isEqualTo(debugger == Debugger.GDB ? "/usr/bin/gdbserver" : "/usr/bin/lldb-server-19");
            assertThat(placement.attachPid()).isEqualTo(1);
            try (PlacedServer server = PlacedServer.start(placement, debugger)) {
                int line = build.line("handler");
                String out = debugger == Debugger.GDB
                        ? DebugClients.gdb(envoy, server.port, build.binary(), line, "request.path")
                        : DebugClients.lldb(envoy, server.port, build.binary(), line, "request_number");
                assertThat(out).contains("envoy_like.cc:" + line);
                assertThat(out).containsPattern(debugger == Debugger.GDB ? "\"/poke\"" : "request_number = \\d+");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (state(pid).equals("t") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(state(pid)).isNotEqualTo("t");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    static String state(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("State:")) {
                return line.substring(6).strip().substring(0, 1);
            }
        }
        return "?";
    }
}
