package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.Rsp;
import dev.meshdbg.agent.rsp.RspChannel;
import dev.meshdbg.agent.server.DebugServer;
import java.io.IOException;
import java.net.Socket;

/**
 * Answers a client the guard will not (or no longer) relay for, so that it ends quickly and, where
 * it can, shows why. Measured: gdb 13 prints {@code E.text} replies to {@code qSupported} as
 * "Remote failure reply: E.text" and shows {@code O} console text while it waits for a resumed
 * target; lldb 19 hangs when a stub closes the connection in the middle of its handshake, so it is
 * answered like a stub without a process (no threads, an error to {@code ?}) until it gives up —
 * it shows its own words then, and the guard's listener carries the reason.
 */
final class Refusal {
    private static final int MAX_PACKETS = 64;

    private final String message;
    private final boolean nonStop;
    private boolean gdb;

    /** {@code gdb}: the client is known to be gdb (from its {@code qSupported}). */
    Refusal(String message, boolean gdb) {
        this(message, gdb, false);
    }

    /**
     * {@code nonStop}: the client is in non-stop mode, where a resume is answered {@code OK} and
     * console output is no reply: gdb shows an error reply instead ("Unexpected vCont reply in
     * non-stop mode: E.text").
     */
    Refusal(String message, boolean gdb, boolean nonStop) {
        this.message = message;
        this.gdb = gdb;
        this.nonStop = nonStop;
    }

    /** Turns away a client that has not spoken yet. */
    static void turnAway(Socket socket, String message, int timeoutMillis) {
        try {
            socket.setSoTimeout(timeoutMillis);
            RspChannel client = Sockets.channel(socket);
            new Refusal(message, false).answer(client, null);
        } catch (IOException ignored) {
            // Silent client or gone: just close.
        }
        Sockets.closeGracefully(socket);
    }

    /** Answers {@code first} (if any) and what follows until the client gives up; the caller closes. */
    void answer(RspChannel client, Packet first) throws IOException {
        Packet p = first;
        for (int n = 0; n < MAX_PACKETS; n++) {
            if (p != null && p.isPacket() && !reply(client, p.text())) {
                return;
            }
            p = client.receive();
            if (p == null) {
                return;
            }
        }
    }

    /** Replies to one request; false when the conversation is over. */
    private boolean reply(RspChannel client, String request) throws IOException {
        if (request.equals("QStartNoAckMode")) {
            client.send("OK");
            client.noAck(true);
            return true;
        }
        if (request.equals("QEnableErrorStrings")) {
            client.send("OK");
            return true;
        }
        if (request.startsWith("qSupported")) {
            gdb = Debuggers.pairedServer(request).filter(k -> k == DebugServer.Kind.GDBSERVER).isPresent();
            if (gdb) {
                client.send(gdbError());
                return false;
            }
            client.send("PacketSize=4000;QStartNoAckMode+");
            return true;
        }
        if (request.equals("qfThreadInfo") || request.equals("qsThreadInfo")) {
            client.send("l");
            return true;
        }
        if (TargetState.isResume(request) && nonStop) {
            client.send(gdbError());
            return false;
        }
        if (TargetState.isResume(request)) {
            // A debugger waiting for its target prints console output.
            client.send("O" + Rsp.hex(message + "\n"));
            return false;
        }
        if (request.equals("k") || request.startsWith("vKill") || request.startsWith("D")) {
            return false;
        }
        if ("ZzQH".indexOf(request.charAt(0)) >= 0) {
            // Settings and breakpoints cost nothing to accept, and gdb aborts "continue" when they
            // fail, before the resume that would show the notice.
            client.send("OK");
            return true;
        }
        if (gdb) {
            // gdb prints "E.text" for some requests; after any error it may go on, so close.
            client.send(gdbError());
            return false;
        }
        // lldb (after QEnableErrorStrings) reads "Enn;hex"; after '?' fails it sends k and leaves.
        client.send("E01;" + Rsp.hex(message));
        return true;
    }

    private String gdbError() {
        return "E." + message.replace('#', ' ').replace('$', ' ').replace('}', ' ').replace('*', ' ');
    }
}
