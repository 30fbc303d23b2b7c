package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import org.junit.jupiter.api.Test;

/**
 * The survival matrix: however a debugging session ends, the target ends up detached, free of
 * the client's breakpoints, running and serving.
 */
class GuardSurvivalTest extends GuardTestBase {
    @Test
    void gdbSigkilledWhileStoppedAtABreakpoint() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdb("break " + heartbeat(), "continue", "shell sleep 60");
        assertThat(gdb.awaitOutput("Breakpoint 1, main", LONG)).as(gdb.output()).isTrue();
        assertThat(envoy.state()).isEqualTo("t");

        gdb.kill();

        assertThat(events.await("detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void lldbSigkilledWhileStoppedAtABreakpoint() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        DebuggerProcess lldb = lldb("breakpoint set --file " + heartbeat().replace(":", " --line "), "continue",
                "platform shell sleep 60");
        assertThat(lldb.awaitOutput("stop reason = breakpoint 1.1", LONG)).as(lldb.output()).isTrue();
        assertThat(envoy.state()).isEqualTo("t");

        lldb.kill();

        // lldb keeps its breakpoints inserted while stopped: the guard must take them out itself.
        String detached = events.await("detached", LONG).orElseThrow(() -> new AssertionError(events.toString()));
        assertThat(detached).as(events.toString()).startsWith("detached ").doesNotStartWith("detached 0 ");
        assertSurvives();
    }

    @Test
    void lldbSessionEndingWithoutDetach() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        DebuggerProcess lldb = lldb("breakpoint set --file " + heartbeat().replace(":", " --line "), "continue");
        assertThat(lldb.awaitExit(LONG)).as(lldb.output()).isTrue();
        assertThat(lldb.output()).contains("stop reason = breakpoint 1.1");

        assertThat(events.await("detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void gdbBatchEndingWithoutDetach() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdb("break " + heartbeat(), "continue");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(gdb.output()).contains("Breakpoint 1, main");

        assertThat(events.await("detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void gdbKillBecomesADetach() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdb("break " + heartbeat(), "continue", "kill");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        // gdb believes it killed the target (it got the OK its vKill expects)...
        assertThat(gdb.output()).contains("Breakpoint 1, main").contains("killed]");

        // ...but the guard detached instead.
        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString().contains("kill (vKill");
        assertSurvives();
    }

    @Test
    void lldbProcessKillBecomesADetach() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        DebuggerProcess lldb = lldb("breakpoint set --file " + heartbeat().replace(":", " --line "), "continue",
                "process kill");
        assertThat(lldb.awaitExit(LONG)).as(lldb.output()).isTrue();
        assertThat(lldb.output()).contains("stop reason = breakpoint 1.1").contains("exited with status = 9");

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString().contains("kill (k)");
        assertSurvives();
    }

    @Test
    void gdbRelayDroppedWhileTheTargetRuns() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        Forwarder forward = started(new Forwarder(guardPort));
        // A breakpoint in the request handler, which nothing calls: the target runs, gdb waits.
        DebuggerProcess gdb = gdb(forward.port(), "break " + handler(), "continue");
        assertThat(events.await("attached", LONG)).isPresent();
        waitUntilRunning();

        forward.cut();

        // At least the handler breakpoint, which the next request would hit (gdb also has its shared-library one).
        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString()
                .startsWith("detached ").doesNotStartWith("detached 0 ");
        assertSurvives();
        assertThat(gdb.awaitExit(LONG)).isTrue();
    }

    @Test
    void lldbRelayDroppedWhileTheTargetRuns() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        Forwarder forward = started(new Forwarder(guardPort));
        DebuggerProcess lldb = lldb(forward.port(), "breakpoint set --file " + handler().replace(":", " --line "),
                "continue", "platform shell sleep 60");
        assertThat(events.await("attached", LONG)).isPresent();
        assertThat(lldb.awaitOutput("(lldb) continue", LONG)).as(lldb.output()).isTrue();
        waitUntilRunning();

        forward.cut();

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString()
                .doesNotStartWith("detached 0 ");
        assertSurvives();
    }

    private void waitUntilRunning() throws Exception {
        for (int i = 0; i < 300 && envoy.state().equals("t"); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        assertThat(envoy.state()).isNotEqualTo("t");
    }
}
