package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.RspChannel;
import java.io.IOException;
import java.net.Socket;

/**
 * Turns away a client the guard will not serve (a second one while a session is active) in a way
 * its user sees: it answers the handshake's {@code QStartNoAckMode} (lldb sends it first), then
 * replies to the first real request with {@code E.message}, which gdb prints as "Remote failure
 * reply", and closes.
 */
final class Refusal {
    private static final int HANDSHAKE_MILLIS = 5000;

    private Refusal() {
    }

    static void turnAway(Socket socket, String message) {
        try {
            socket.setSoTimeout(HANDSHAKE_MILLIS);
            RspChannel client = Sockets.channel(socket);
            for (Packet p; (p = client.receive()) != null; ) {
                if (!p.isPacket()) {
                    continue;
                }
                if (p.text().equals("QStartNoAckMode")) {
                    client.send("OK");
                    client.noAck(true);
                    continue;
                }
                Sockets.refuse(client, socket, message);
                return;
            }
        } catch (IOException ignored) {
            // Silent client or gone: just close.
        }
        Sockets.closeGracefully(socket);
    }
}
