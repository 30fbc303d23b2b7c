package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The guard's limits and refusals: max pause, one client, idle exit, pairing, missing server, busy port, shutdown. */
class GuardLimitsTest extends GuardTestBase {
    @Test
    void maxPauseDetachesATargetStoppedTooLongAndTellsTheClient() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, Duration.ofSeconds(2), null, false);
        DebuggerProcess gdb = gdb("break " + heartbeat(), "continue", "shell sleep 5", "continue");
        assertThat(gdb.awaitOutput("Breakpoint 1, main", LONG)).as(gdb.output()).isTrue();

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString().contains("--max-pause 2s");
        assertSurvives();
        assertThat(gdb.awaitExit(LONG)).isTrue();
        // gdb reads the guard's notice when it next resumes the target.
        assertThat(gdb.output()).contains("meshdbg: the target was stopped for longer than 2s (--max-pause)")
                .contains("Remote connection closed");
    }

    @Test
    void aSecondClientIsRefusedWhileOneIsAttached() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess first = gdb("break " + heartbeat(), "continue", "shell sleep 60");
        assertThat(first.awaitOutput("Breakpoint 1, main", LONG)).as(first.output()).isTrue();

        DebuggerProcess second = gdb("info registers rip");
        assertThat(second.awaitExit(LONG)).isTrue();

        assertThat(events.await("refused", LONG)).as(events.toString()).get().asString()
                .contains("a debugger from 127.0.0.1:").contains("is attached");
        assertThat(second.output()).contains("a debugger from 127.0.0.1:");
        assertThat(serversStarted).hasValue(1);
        first.kill();
        assertSurvives();
    }

    @Test
    void idleTimeoutStopsTheGuardWhenNoClientComes() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, Duration.ofMillis(500), false);
        assertThat(guard.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(events.events()).contains("idle 500");
        assertThat(serversStarted).hasValue(0);
        assertSurvives();
    }

    @Test
    void lldbIsRefusedByAGdbserverGuard() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess lldb = lldb("process status");
        assertThat(lldb.awaitExit(LONG)).isTrue();

        assertThat(events.await("refused", LONG)).as(events.toString()).get().asString()
                .contains("a lldb client connected").contains("lldb against gdbserver crashes the target");
        // Refused before attaching: the target was never stopped.
        assertThat(serversStarted).hasValue(0);
        assertSurvives();
    }

    @Test
    void gdbIsRefusedByAnLldbServerGuard() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        DebuggerProcess gdb = gdb("info registers rip");
        assertThat(gdb.awaitExit(LONG)).isTrue();

        assertThat(events.await("refused", LONG)).as(events.toString()).get().asString()
                .contains("a gdb client connected");
        assertThat(gdb.output()).contains("gdb against lldb-server is not supported");
        assertThat(serversStarted).hasValue(0);
        assertSurvives();
    }

    @Test
    void aMissingDebugServerIsReportedToTheClientAndTheListener() throws Exception {
        startGuard(new Guard.Config(0, null, null, false, DebugServer.Kind.GDBSERVER), "/nonexistent/bin/gdbserver");
        DebuggerProcess gdb = gdb("info registers rip");
        assertThat(gdb.awaitExit(LONG)).isTrue();

        assertThat(events.await("error", LONG)).as(events.toString()).get().asString()
                .contains("gdbserver not found at /nonexistent/bin/gdbserver");
        assertThat(gdb.output()).contains("gdbserver not found");
        assertSurvives();
    }

    @Test
    void aPortInUseIsABadInput() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Guard g = started(new Guard(new Guard.Config(busy.getLocalPort(), null, null, false,
                    DebugServer.Kind.GDBSERVER), () -> {
                        throw new AssertionError("no server for a guard that cannot listen");
                    }, events));
            assertThatThrownBy(g::start).isInstanceOf(MeshdbgException.class)
                    .hasMessage("port " + busy.getLocalPort() + " on 127.0.0.1 is in use: choose another --port, or 0 for a free one")
                    .satisfies(e -> assertThat(((MeshdbgException) e).exitCode()).isEqualTo(2));
        }
    }

    @Test
    void closingTheGuardDetachesAStoppedTarget() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        DebuggerProcess lldb = lldb("breakpoint set --file " + heartbeat().replace(":", " --line "), "continue",
                "platform shell sleep 60");
        assertThat(lldb.awaitOutput("stop reason = breakpoint 1.1", LONG)).as(lldb.output()).isTrue();

        guard.close(); // what the agent's SIGTERM/SIGINT hook does

        assertThat(guard.awaitTermination(Duration.ofSeconds(1))).isTrue();
        assertThat(events.events()).anyMatch(e -> e.startsWith("detached ") && e.contains("shutting down")
                && !e.startsWith("detached 0 "));
        assertSurvives();
    }

    @Test
    void allowKillPassesKillThrough() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, true);
        DebuggerProcess gdb = gdb("kill");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(envoy.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as(events.toString()).isTrue();
        assertThat(envoy.process().exitValue()).isEqualTo(128 + 9);
        assertThat(events.events()).noneMatch(e -> e.startsWith("error"));
    }
}
