package dev.meshdbg.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.agent.rsp.RspChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugServerTest {
    @TempDir
    static Path buildDir;
    static EnvoyLike.Build build;

    @TempDir
    Path root;

    EnvoyLikeProcess envoy;
    final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void buildEnvoyLike() {
        Assumptions.assumeTrue(DebugServerLocator.find(DebugServer.Kind.GDBSERVER, Path.of("/")).isPresent(), "gdbserver is not installed");
        Assumptions.assumeTrue(DebugServerLocator.find(DebugServer.Kind.LLDB_SERVER, Path.of("/")).isPresent(), "lldb-server is not installed");
        build = EnvoyLike.build(buildDir, EnvoyLike.Compiler.GCC, false);
    }

    @BeforeEach
    void start() throws Exception {
        envoy = EnvoyLikeProcess.start(build.binary());
        started.add(envoy);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private DebugServer server(DebugServer.Kind kind, String binary, long pid) {
        DebugServer s = new DebugServer(new DebugServer.Spec(kind, List.of(), binary, pid));
        started.add(s);
        return s;
    }

    @Test
    void gdbserverAttachesAndTalksOverStdioWithNoPortOpen() throws Exception {
        assertAttachesAndAnswers(DebugServer.Kind.GDBSERVER, "stdio");
    }

    @Test
    void lldbServerAttachesAndListensOnLoopbackOnly() throws Exception {
        assertAttachesAndAnswers(DebugServer.Kind.LLDB_SERVER, "127.0.0.1:");
    }

    private void assertAttachesAndAnswers(DebugServer.Kind kind, String endpoint) throws Exception {
        DebugServer s = server(kind, DebugServerLocator.locate(kind, Path.of("/")), envoy.pid());
        assertThat(s.start()).startsWith(endpoint);
        assertThat(envoy.state()).isEqualTo("t"); // attached
        // Whatever the server listens on, it is the loopback address: nothing else can reach it.
        assertThat(Listeners.of(s.processId())).allMatch(Listeners.Listener::loopback);
        if (kind == DebugServer.Kind.GDBSERVER) {
            assertThat(Listeners.of(s.processId())).isEmpty();
        }
        try (RspChannel link = s.open()) {
            link.send("qSupported");
            assertThat(link.receive().text()).contains("PacketSize=");
        }
        s.close();
        assertThat(s.isAlive()).isFalse();
        // Killing the server makes the kernel detach: the target runs again.
        for (int i = 0; i < 100 && envoy.state().equals("t"); i++) {
            Thread.sleep(20);
        }
        assertThat(envoy.state()).isNotEqualTo("t");
        assertThat(envoy.serves(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aMissingBinaryIsNamed() {
        DebugServer s = server(DebugServer.Kind.GDBSERVER, "/nonexistent/gdbserver", envoy.pid());
        assertThatThrownBy(s::start).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("gdbserver not found at /nonexistent/gdbserver: install gdbserver");
    }

    @Test
    void aMissingBinaryInsideTheTargetsNamespacesIsNamed() {
        // The prefix runs, but what it should start does not exist there.
        DebugServer s = new DebugServer(new DebugServer.Spec(DebugServer.Kind.LLDB_SERVER, List.of("env", "--"),
                "/nonexistent/lldb-server", envoy.pid()));
        started.add(s);
        assertThatThrownBy(s::start).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("lldb-server not found at /nonexistent/lldb-server in the target's namespaces");
    }

    @Test
    void aTargetTracedByAnotherDebuggerIsNamed() throws Exception {
        String gdbserver = DebugServerLocator.locate(DebugServer.Kind.GDBSERVER, Path.of("/"));
        DebugServer first = server(DebugServer.Kind.GDBSERVER, gdbserver, envoy.pid());
        first.start();
        DebugServer second = server(DebugServer.Kind.LLDB_SERVER,
                DebugServerLocator.locate(DebugServer.Kind.LLDB_SERVER, Path.of("/")), envoy.pid());
        assertThatThrownBy(second::start).isInstanceOf(MeshdbgException.class)
                .hasMessage("pid " + envoy.pid() + " is already being debugged by pid " + first.processId()
                        + " (" + gdbserver + "): detach or stop that debugger first");
    }

    @Test
    void aRefusedAttachSaysWhyWithThePtraceScope() throws Exception {
        // The kernel refuses a second tracer with EPERM, as it does without ptrace permission.
        // hostPid -1 (unknown) skips the early check, so this is the server's own failure.
        String gdbserver = DebugServerLocator.locate(DebugServer.Kind.GDBSERVER, Path.of("/"));
        server(DebugServer.Kind.GDBSERVER, gdbserver, envoy.pid()).start();
        DebugServer second = new DebugServer(new DebugServer.Spec(DebugServer.Kind.GDBSERVER, List.of(), gdbserver,
                envoy.pid(), -1));
        started.add(second);
        assertThatThrownBy(second::start).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("gdbserver cannot attach to pid " + envoy.pid() + ": ptrace not permitted (")
                .hasMessageContaining("kernel.yama.ptrace_scope")
                .hasMessageContaining("Operation not permitted");
    }

    @Test
    void anAttachToAProcessThatIsGoneFails() {
        DebugServer s = server(DebugServer.Kind.GDBSERVER, DebugServerLocator.locate(DebugServer.Kind.GDBSERVER, Path.of("/")), 999_999_999L);
        assertThatThrownBy(s::start).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("gdbserver exited before it was ready (attach to pid 999999999 failed): ")
                .hasMessageContaining("No such process");
    }

    @Test
    void findsLldbServerByVersionNotName() throws Exception {
        for (String p : List.of("usr/bin/lldb-server-14", "usr/bin/lldb-server-19", "usr/lib/llvm-17/bin/lldb-server",
                "usr/bin/gdbserver")) {
            Path file = root.resolve(p);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\n");
            file.toFile().setExecutable(true);
        }
        assertThat(DebugServerLocator.locate(DebugServer.Kind.LLDB_SERVER, root)).isEqualTo("/usr/bin/lldb-server-19");
        assertThat(DebugServerLocator.locate(DebugServer.Kind.GDBSERVER, root)).isEqualTo("/usr/bin/gdbserver");
        Files.delete(root.resolve("usr/bin/lldb-server-19"));
        assertThat(DebugServerLocator.locate(DebugServer.Kind.LLDB_SERVER, root)).isEqualTo("/usr/lib/llvm-17/bin/lldb-server");
    }

    @Test
    void saysWhatToInstallWhenNoServerIsThere() {
        assertThatThrownBy(() -> DebugServerLocator.locate(DebugServer.Kind.LLDB_SERVER, root))
                .isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("lldb-server not found under " + root)
                .hasMessageEndingWith("install lldb (for example lldb-19)");
    }

    @Test
    void describesThePtraceScope() {
        assertThat(PtraceScope.describe(1)).isEqualTo("kernel.yama.ptrace_scope=1: only ancestors or CAP_SYS_PTRACE may attach");
        assertThat(PtraceScope.describe(-1)).contains("not set");
    }
}
