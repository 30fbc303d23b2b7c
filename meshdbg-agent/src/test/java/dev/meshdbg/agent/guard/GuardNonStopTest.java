package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The survival matrix in non-stop mode, with real gdb and gdbserver: a stop holds one thread while
 * the others (envoy-like's workers, or its main loop) run and serve, and however the session ends
 * the guard leaves no breakpoint behind and every thread running. When it takes over it speaks
 * non-stop itself: breakpoints out while threads run, then the detach, which resumes a thread
 * stopped at a breakpoint.
 */
class GuardNonStopTest extends GuardTestBase {
    @Test
    void oneWorkerHeldAtABreakpointWhileTheOthersServeThenDetach() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb;
        try (Requests requests = new Requests(envoy, "/hello")) {
            // tbreak: the first worker to pass the handler stops there, and the breakpoint goes.
            gdb = gdbNonStop("tbreak " + handler(), "continue -a", "thread apply all -s print request.path",
                    "shell sleep 10", "detach");
            assertThat(gdb.awaitOutput("hit Temporary breakpoint 1, envoy_like::handle_request", LONG)).as(gdb.output()).isTrue();

            String held = heldWorker();
            assertThat(envoy.stoppedThreads()).containsExactly(held);
            assertThat(otherWorkerAnswers(held)).as("a worker other than " + held + " answers").isTrue();
        }
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(gdb.output()).contains("= \"/hello\"").contains("[Inferior 1 (process " + envoy.pid() + ") detached]");
        assertThat(events.await("detached 0 the debugger detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void gdbSigkilledWhileAThreadIsStoppedAtABreakpoint() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        // The main loop stops at its heartbeat, then a worker at the handler on the next request.
        DebuggerProcess gdb = gdbNonStop("break " + heartbeat(), "break " + handler(), "continue -a", "shell sleep 60");
        assertThat(gdb.awaitOutput("hit Breakpoint 1, main", LONG)).as(gdb.output()).isTrue();
        Requests held = started(new Requests(envoy, "/held"));
        for (int i = 0; i < 200 && envoy.stoppedThreads().size() < 2; i++) {
            Thread.sleep(50);
        }
        assertThat(envoy.stoppedThreads()).as(gdb.output()).hasSize(2).contains("envoy-like");

        gdb.kill();

        // Both breakpoints and gdb's shared-library one were in; the guard took them out.
        String detached = events.await("detached", LONG).orElseThrow(() -> new AssertionError(events.toString()));
        assertThat(detached).as(events.toString()).matches("detached [3-9]\\d* .*");
        assertSurvives();
    }

    @Test
    void gdbSigkilledWhileEveryThreadRuns() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdbNonStop("break " + handler(), "continue -a &", "shell sleep 60");
        assertThat(events.await("attached", LONG)).isPresent();
        waitUntilEveryThreadRuns();

        gdb.kill();

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString()
                .startsWith("detached ").doesNotStartWith("detached 0 ");
        assertSurvives();
    }

    @Test
    void gdbKillBecomesADetach() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdbNonStop("break " + heartbeat(), "continue -a", "kill");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(gdb.output()).contains("hit Breakpoint 1, main").contains("killed]");

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString().contains("kill (vKill");
        assertSurvives();
    }

    @Test
    void gdbBatchEndingWithoutDetach() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        DebuggerProcess gdb = gdbNonStop("break " + heartbeat(), "continue -a");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(gdb.output()).contains("hit Breakpoint 1, main");

        assertThat(events.await("detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void maxPauseDetachesWhenAThreadStaysStoppedAndTellsTheClient() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, Duration.ofSeconds(2), null, false);
        DebuggerProcess gdb = gdbNonStop("break " + heartbeat(), "continue -a", "shell sleep 5", "continue -a");
        assertThat(gdb.awaitOutput("hit Breakpoint 1, main", LONG)).as(gdb.output()).isTrue();

        assertThat(events.await("detached", LONG)).as(events.toString()).get().asString()
                .doesNotStartWith("detached 0 ").contains("--max-pause 2s");
        assertSurvives();
        assertThat(gdb.awaitExit(LONG)).isTrue();
        // gdb's next request after the detach is a memory read, whose reply cannot carry the
        // notice (the listener's reason above does): it loses the connection.
        assertThat(gdb.output()).contains("Remote connection closed");
    }

    /** The one worker thread stopped, by name ({@code wrk:worker_N}). */
    private String heldWorker() throws Exception {
        for (int i = 0; i < 100; i++) {
            List<String> stopped = envoy.stoppedThreads();
            if (stopped.size() == 1 && stopped.get(0).startsWith("wrk:worker_")) {
                return stopped.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no single worker stopped: " + envoy.stoppedThreads());
    }

    /** Whether, within a few tries on new connections, a worker other than the held one answers. */
    private boolean otherWorkerAnswers(String held) {
        for (int i = 0; i < 20; i++) {
            try {
                if (!held.equals("wrk:worker_" + envoy.worker("/other", Duration.ofSeconds(1)))) {
                    return true;
                }
            } catch (IOException e) {
                // this connection went to the held worker
            }
        }
        return false;
    }

    private void waitUntilEveryThreadRuns() throws Exception {
        for (int i = 0; i < 300 && !envoy.stoppedThreads().isEmpty(); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        assertThat(envoy.stoppedThreads()).isEmpty();
    }
}
