package dev.meshdbg.kube;

import dev.meshdbg.agent.guard.SessionKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for the guard on 127.0.0.1: echoes every byte back and counts connections. */
public final class EchoGuard implements AutoCloseable {
    private final ServerSocket server;
    public final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger disconnections = new AtomicInteger();

    public EchoGuard() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "test-echo-guard");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> echo(s), "test-echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket s) {
        boolean lease = false;
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            // Like the guard: the session key line first; a lease is only held open.
            String first = firstLine(in);
            if (!first.startsWith(SessionKey.MAGIC + " " + FakeAgent.KEY.hex() + " ")) {
                return;
            }
            lease = first.endsWith(" lease");
            if (!lease) {
                connections.incrementAndGet();
            }
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // client gone
        } finally {
            if (!lease) {
                disconnections.incrementAndGet();
            }
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
