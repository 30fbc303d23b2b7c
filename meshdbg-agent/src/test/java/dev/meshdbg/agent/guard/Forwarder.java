package dev.meshdbg.agent.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A one-connection TCP forwarder on 127.0.0.1, standing in for a port-forward that can be lost. */
final class Forwarder implements AutoCloseable {
    private final ServerSocket listen;
    private volatile Socket client;
    private volatile Socket upstream;

    Forwarder(int targetPort) throws IOException {
        listen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                client = listen.accept();
                upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException ignored) {
                // Cut or closed.
            }
        }, "forwarder-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    /** Drops both connections with a reset, the way a lost port-forward does. */
    void cut() throws IOException {
        for (Socket s : new Socket[] {client, upstream}) {
            if (s != null) {
                s.setSoLinger(true, 0);
                s.close();
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // Cut.
            }
        }, "forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
        listen.close();
    }
}
