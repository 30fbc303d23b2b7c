package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.agent.rsp.RspChannel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debugging through the guard works: stop at a source line (resolved through the source map), read a variable, detach. */
class GuardDebuggingTest extends GuardTestBase {
    @Test
    void gdbStopsAtTheHandlerLineReadsTheRequestAndDetaches() throws Exception {
        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        try (Requests requests = new Requests(envoy, "/hello")) {
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
        try (Requests requests = new Requests(envoy, "/hello")) {
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
    void largeMemoryReadsArriveIntactThroughTheGuard(@TempDir Path dumps) throws Exception {
        // lldb reads with binary x packets of up to 128 KB, escapes in every one, which the guard
        // streams on while they arrive; gdb with hex m packets. Machine code has every byte value.
        long[] range = codeOfLibc(envoy.pid());
        byte[] expected = new byte[(int) (range[1] - range[0])];
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + envoy.pid() + "/mem", "r")) {
            mem.seek(range[0]);
            mem.readFully(expected);
        }
        String from = "0x" + Long.toHexString(range[0]);
        String to = "0x" + Long.toHexString(range[1]);

        startGuard(DebugServer.Kind.LLDB_SERVER, null, null, false);
        Path lldbDump = dumps.resolve("lldb.bin");
        DebuggerProcess lldb = lldb("memory read --binary --force --outfile " + lldbDump + " " + from + " " + to,
                "process detach");
        assertThat(lldb.awaitExit(LONG)).as(lldb.output()).isTrue();
        assertThat(Files.readAllBytes(lldbDump)).as(lldb.output()).isEqualTo(expected);
        guard.close();

        startGuard(DebugServer.Kind.GDBSERVER, null, null, false);
        Path gdbDump = dumps.resolve("gdb.bin");
        DebuggerProcess gdb = gdb("dump binary memory " + gdbDump + " " + from + " " + to, "detach");
        assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
        assertThat(Files.readAllBytes(gdbDump)).as(gdb.output()).isEqualTo(expected);
        assertSurvives();
    }

    /** [start, end) of libc's executable mapping in the process, at most 2 MB of it. */
    private static long[] codeOfLibc(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[1].startsWith("r-x") && f[5].contains("/libc.so")) {
                String[] bounds = f[0].split("-");
                long start = Long.parseUnsignedLong(bounds[0], 16);
                long end = Long.parseUnsignedLong(bounds[1], 16);
                return new long[] {start, Math.min(end, start + (2 << 20))};
            }
        }
        throw new AssertionError("no libc code mapping in /proc/" + pid + "/maps");
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
}
