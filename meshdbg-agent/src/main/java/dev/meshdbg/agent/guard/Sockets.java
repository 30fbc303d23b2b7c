package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.RspChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/** Socket chores of the guard: channels, peers, polite refusals and closes. */
final class Sockets {
    private static final int BUFFER = 1 << 16;

    private Sockets() {
    }

    static RspChannel channel(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return new RspChannel(new BufferedInputStream(socket.getInputStream(), BUFFER),
                new BufferedOutputStream(socket.getOutputStream(), BUFFER), socket);
    }

    /** Turns acks off on the debug server's leg when it agrees. */
    static RspChannel handshake(RspChannel link) throws IOException {
        link.send("QStartNoAckMode");
        Packet reply = link.receive();
        link.noAck(reply != null && reply.text().equals("OK"));
        return link;
    }

    static String peer(Socket socket) {
        SocketAddress a = socket.getRemoteSocketAddress();
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    static void sendQuietly(RspChannel channel, String text) {
        sendQuietly(channel, Packet.of(text));
    }

    static void sendQuietly(RspChannel channel, Packet packet) {
        try {
            channel.send(packet);
        } catch (IOException ignored) {
            // The client is gone; nothing to tell.
        }
    }

    /**
     * For a socket another thread is reading: half-closes now (the peer sees the end after the
     * last reply) and closes fully a little later, which ends that reader too.
     */
    static void closeSoon(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // Already closed or reset.
        }
        daemon("guard-close", () -> {
            try {
                Thread.sleep(2000);
                socket.close();
            } catch (InterruptedException | IOException ignored) {
                // Closing anyway.
            }
        });
    }

    /**
     * Half-closes, then drains what the peer still sends before closing: closing a socket with
     * unread input resets the connection, and a reset can discard the last reply in flight.
     */
    static void closeGracefully(Socket socket) {
        if (socket.isClosed()) {
            return;
        }
        try {
            if (!socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
            socket.setSoTimeout(1000);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (in.read(buf) >= 0 && System.nanoTime() < deadline) {
                // Discard: the session is over.
            }
        } catch (IOException ignored) {
            // Reset or timeout: close anyway.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to do.
        }
    }
}
