package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.agent.server.DebugServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * 127.0.0.1 in a pod is shared by every container: only connections that bring the session key
 * reach the debug server, with real gdb and gdbserver through meshdbg's end of the forward; the
 * guard ends once the session's lease is gone.
 */
class GuardSessionKeyTest extends GuardTestBase {
    private final SessionKey key = SessionKey.random();

    private void startKeyedGuard() {
        startGuard(new Guard.Config(0, null, null, false, DebugServer.Kind.GDBSERVER, "", key, false),
                serverBinary(DebugServer.Kind.GDBSERVER));
    }

    @Test
    void aConnectionWithoutTheKeyGetsNothingWhileTheSessionWorks() throws Exception {
        startKeyedGuard();
        try (SessionForwarder forward = SessionForwarder.open(0, key, SessionForwarder.tcp(
                new InetSocketAddress("127.0.0.1", guardPort)), null)) {
            DebuggerProcess gdb = gdb(forward.port(), "break " + handler(), "continue", "print request.path", "detach");
            // Meanwhile another container of the pod speaks gdb-remote to the guard's port.
            for (String intruder : new String[] {"+$qSupported:multiprocess+#c9", "meshdbg-session 00 relay\n",
                    SessionKey.MAGIC + " " + SessionKey.random().hex() + " relay\n"}) {
                try (Socket s = new Socket("127.0.0.1", guardPort)) {
                    s.getOutputStream().write(intruder.getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    assertThat(in.readAllBytes()).as("nothing relayed to " + intruder.strip()).isEmpty();
                }
            }
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread poker = new Thread(() -> {
                while (!done.get()) {
                    try {
                        envoy.get("/poke", Duration.ofSeconds(20));
                        Thread.sleep(200);
                    } catch (Exception e) {
                        // Held at the breakpoint; ask again.
                    }
                }
            }, "poke");
            poker.setDaemon(true);
            poker.start();
            assertThat(gdb.awaitExit(LONG)).as(gdb.output()).isTrue();
            done.set(true);
            poker.join(25_000);
            assertThat(gdb.output()).contains("Breakpoint 1, ").contains("\"/poke\"");
            assertThat(events.events()).filteredOn(e -> e.startsWith("refused")).hasSize(3);
            assertThat(serversStarted.get()).as("only the session's connection started a server").isEqualTo(1);
        }
        assertSurvives();
    }

    @Test
    void theGuardEndsOnceTheLeaseIsGoneAndComesBackWithinTheGrace() throws Exception {
        startKeyedGuard();
        SessionForwarder forward = SessionForwarder.open(0, key, SessionForwarder.tcp(
                new InetSocketAddress("127.0.0.1", guardPort)), null);
        forward.close();
        assertThat(guard.awaitTermination(Guard.LEASE_GRACE.plusSeconds(5))).as("the guard ended after the lease").isTrue();
        assertThat(events.events()).contains("session-over");
        assertSurvives();
    }

    @Test
    void aPortInUseIsOneLine() throws Exception {
        startKeyedGuard();
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> SessionForwarder.open(busy.getLocalPort(), key, SessionForwarder.tcp(
                    new InetSocketAddress("127.0.0.1", guardPort)), null))
                    .hasMessage("port " + busy.getLocalPort() + " on 127.0.0.1 is in use: choose another local port, or 0 for a free one");
        }
    }
}
