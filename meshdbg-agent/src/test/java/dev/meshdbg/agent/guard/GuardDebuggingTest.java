package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Debugging through the guard works: stop at a source line (resolved through the source map), read a variable, detach. */
class GuardDebuggingTest extends GuardTestBase {
    @Test
    void gdbStopsAtTheHandlerLineReadsTheRequestAndDetaches() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        try (Requests requests = new Requests()) {
            DebuggerProcess gdb = gdb("break " + handler(), "continue", "print request.path", "detach");
            assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
            String out = gdb.output();
            assertThat(out).contains("Breakpoint 1, envoy_like::handle_request")
                    .contains("at source/server/envoy_like.cc:" + build.line("handler"))
                    // The source text itself, found through the source map:
                    .containsPattern(build.line("handler") + "\\s+long request_number = \\+\\+requests_served;")
                    .contains("= \"/hello\"")
                    .contains("[Inferior 1 (process " + envoy.pid() + ") detached]");
        }
        assertThat(events.await("detached 0 the debugger detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    @Test
    void lldbStopsAtTheHandlerLineReadsTheRequestAndDetaches() throws Exception {
        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        try (Requests requests = new Requests()) {
            DebuggerProcess lldb = lldb("breakpoint set --file " + handler().replace(":", " --line "), "continue",
                    "frame variable request.path", "process detach");
            assertThat(lldb.awaitExit(LONG)).as(lldb.output()).isTrue();
            String out = lldb.output();
            assertThat(out).contains("stop reason = breakpoint 1.1")
                    .contains("envoy_like::handle_request")
                    .contains("at envoy_like.cc:" + build.line("handler"))
                    .containsPattern("-> " + build.line("handler") + "\\s+long request_number = \\+\\+requests_served;")
                    .contains("request.path = \"/hello\"")
                    .contains("Process " + envoy.pid() + " detached");
        }
        assertThat(events.await("detached 0 the debugger detached", LONG)).as(events.toString()).isPresent();
        assertSurvives();
    }

    /** Sends requests to envoy-like in the background so the handler runs while the debugger waits. */
    private final class Requests implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(() -> {
            while (running.get()) {
                try {
                    envoy.get("/hello", Duration.ofSeconds(20));
                    Thread.sleep(200);
                } catch (Exception e) {
                    // Stopped targets time out; keep asking.
                }
            }
        }, "requests");

        Requests() {
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(25_000);
        }
    }
}
