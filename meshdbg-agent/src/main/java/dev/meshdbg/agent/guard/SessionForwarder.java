package dev.meshdbg.agent.guard;

import dev.meshdbg.errors.MeshdbgException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * meshdbg's end of a session: the loopback port a debugger connects to, relaying every connection
 * to the guard after the {@link SessionKey} line, and holding the session's lease open while it
 * lives (the agent leaves soon after the lease goes: a killed meshdbg ends the session). How the
 * guard is reached is the {@link Dialer}'s business: a plain socket on this machine, a
 * Kubernetes port-forward stream to a pod.
 */
public final class SessionForwarder implements AutoCloseable {
    private static final int BUFFER = 1 << 16;
    private static final long LEASE_RETRY_MILLIS = 1000;

    /** Opens one stream to the guard. */
    public interface Dialer {
        Link dial() throws IOException;
    }

    /** A guard on this machine (or in this network namespace), reached over loopback. */
    public static Dialer tcp(InetSocketAddress guard) {
        return () -> {
            Socket socket = new Socket();
            try {
                socket.connect(guard, 5000);
                socket.setTcpNoDelay(true);
                return new Link(socket.getInputStream(), socket.getOutputStream(), socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        };
    }

    /** One stream to the guard: what it sends, where to write, and how to close both. */
    public record Link(InputStream in, OutputStream out, Closeable closer) implements Closeable {
        @Override
        public void close() {
            try {
                closer.close();
            } catch (IOException | RuntimeException ignored) {
                // Already gone.
            }
        }
    }

    /** What happens to the forward, for the person at the terminal. Called from its threads. */
    public interface Listener {
        default void dropped(String why) {
        }

        default void restored(int localPort) {
        }
    }

    private final SessionKey key;
    private final Dialer dialer;
    private final Listener listener;
    private final ServerSocket listen;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SessionForwarder(SessionKey key, Dialer dialer, Listener listener, ServerSocket listen) {
        this.key = key;
        this.dialer = dialer;
        this.listener = listener;
        this.listen = listen;
    }

    /**
     * Takes the lease (failing when the guard cannot be reached), then listens on 127.0.0.1:
     * {@code localPort}, 0 for a free one.
     */
    public static SessionForwarder open(int localPort, SessionKey key, Dialer dialer, Listener listener) {
        ServerSocket s;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort), 4);
        } catch (BindException e) {
            throw MeshdbgException.badInput("port " + localPort + " on 127.0.0.1 is in use: choose another local port, or 0 for a free one");
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot listen on 127.0.0.1:" + localPort + ": " + e.getMessage(), e);
        }
        SessionForwarder f = new SessionForwarder(key, dialer, listener == null ? new Listener() { } : listener, s);
        Link lease;
        try {
            lease = f.connect(SessionKey.Purpose.LEASE);
        } catch (IOException e) {
            f.close();
            throw MeshdbgException.failure("cannot reach the agent's guard: " + e.getMessage(), e);
        }
        Sockets.daemon("meshdbg-lease", () -> f.holdLease(lease));
        Sockets.daemon("meshdbg-forward " + f.port(), f::accept);
        return f;
    }

    public int port() {
        return listen.getLocalPort();
    }

    private Link connect(SessionKey.Purpose purpose) throws IOException {
        Link link = dialer.dial();
        try {
            key.writePreamble(link.out(), purpose);
        } catch (IOException e) {
            link.close();
            throw e;
        }
        open.add(link);
        return link;
    }

    /** Keeps a lease open; when it drops (a port-forward blip), takes a new one while we live. */
    private void holdLease(Link lease) {
        while (!closed) {
            try {
                while (lease.in().read() >= 0) {
                    // The guard sends nothing on a lease.
                }
            } catch (IOException e) {
                // Dropped: take another below.
            }
            lease.close();
            open.remove(lease);
            if (closed) {
                return;
            }
            listener.dropped("the connection to the agent dropped; reconnecting (the agent keeps guarding for "
                    + Guard.LEASE_GRACE.toSeconds() + " s)");
            lease = null;
            while (lease == null && !closed) {
                try {
                    Thread.sleep(LEASE_RETRY_MILLIS);
                    lease = connect(SessionKey.Purpose.LEASE);
                    listener.restored(port());
                } catch (IOException e) {
                    lease = null;
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (lease == null) {
                return;
            }
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listen.accept();
            } catch (IOException e) {
                return; // closed
            }
            Sockets.daemon("meshdbg-relay", () -> relay(client));
        }
    }

    private void relay(Socket client) {
        open.add(client);
        Link link;
        try {
            client.setTcpNoDelay(true);
            link = connect(SessionKey.Purpose.RELAY);
        } catch (IOException e) {
            listener.dropped("cannot reach the agent's guard for a debugger connection: " + e.getMessage());
            close(client);
            return;
        }
        Runnable closeBoth = () -> {
            close(client);
            link.close();
            open.remove(link);
        };
        try {
            OutputStream toClient = client.getOutputStream();
            InputStream fromClient = client.getInputStream();
            Sockets.daemon("meshdbg-relay-in", () -> pump(link.in(), toClient, closeBoth));
            pump(fromClient, link.out(), closeBoth);
        } catch (IOException e) {
            closeBoth.run();
        }
    }

    /** Copies until either end breaks, then closes both: the guard sees its client leave and detaches. */
    private static void pump(InputStream from, OutputStream to, Runnable closeBoth) {
        byte[] buffer = new byte[BUFFER];
        try {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // Either end broke: close both.
        }
        closeBoth.run();
    }

    private void close(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        open.remove(c);
    }

    /** Closes the port, every relayed connection and the lease: the guard detaches and, soon, the agent leaves. */
    @Override
    public void close() {
        closed = true;
        close(listen);
        for (Closeable c : open.toArray(new Closeable[0])) {
            close(c);
        }
    }
}
