package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.agent.rsp.RspChannel;
import java.net.InetAddress;
import java.net.Socket;
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

    @Test
    void aClientCanReconnectAndEachSessionAttachesAfresh() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        for (int session = 1; session <= 2; session++) {
            DebuggerProcess gdb = gdb("break " + heartbeat(), "continue", "print envoy_like::heartbeats", "detach");
            assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
            assertThat(gdb.output()).contains("Breakpoint 1, main").contains("detached]");
            // Between sessions the target runs untouched: no debug server is attached.
            assertThat(events.await(e -> e.startsWith("disconnected"), LONG)).isPresent();
            assertSurvives();
            assertThat(serversStarted).hasValue(session);
        }
    }

    @Test
    void anInterruptStopsARunningTargetThatLeadsNoProcessGroup() throws Exception {
        // envoy-like shares the test's process group, as Envoy shares pilot-agent's: gdbserver's
        // own interrupt (SIGINT to the group) fails there, so the guard signals the target itself.
        // gdb in batch mode cannot wait for an interrupt, so this client speaks the protocol itself.
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), guardPort)) {
            socket.setSoTimeout(10_000);
            RspChannel gdb = new RspChannel(socket.getInputStream(), socket.getOutputStream(), socket);
            gdb.send("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;vContSupported+;xmlRegisters=i386");
            assertThat(gdb.receive().text()).contains("PacketSize=");
            gdb.send("QStartNoAckMode");
            assertThat(gdb.receive().text()).isEqualTo("OK");
            gdb.noAck(true);
            gdb.send("QProgramSignals:0;1;3;4;6;7;8;9;a;b;c;d;e;f;10;11;12;13;14;15;16;17;18;19;1a;1b;1c;1d;1e;1f");
            assertThat(gdb.receive().text()).isEqualTo("OK");
            gdb.send("vCont;c");
            Thread.sleep(500);
            assertThat(envoy.state()).isNotEqualTo("t");

            gdb.sendInterrupt();

            String stop = gdb.receive().text();
            assertThat(stop).startsWith("T02"); // SIGINT
            assertThat(envoy.state()).isEqualTo("t");
            gdb.send("D;" + Long.toHexString(envoy.pid()));
            assertThat(gdb.receive().text()).isEqualTo("OK");
        }
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
