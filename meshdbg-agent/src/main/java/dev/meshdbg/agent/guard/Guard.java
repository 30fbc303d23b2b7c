package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The only port a debugger reaches: a gdb-remote relay on 127.0.0.1 in front of a debug server
 * that runs only while a client is connected (attach on connect, detach when it leaves, reconnect
 * at will). It guarantees the target outlives every session: see docs/guard.md.
 * <pre>
 *   Guard guard = new Guard(config, () -&gt; new DebugServer(spec), listener);
 *   InetSocketAddress address = guard.start();
 *   Runtime.getRuntime().addShutdownHook(new Thread(guard::close));
 *   guard.awaitTermination();
 * </pre>
 */
public final class Guard implements AutoCloseable {
    private static final long WATCHDOG_MILLIS = 100;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);
    /** How long a dropped lease may take to come back (a port-forward re-opening) before the session is over. */
    public static final Duration LEASE_GRACE = Duration.ofSeconds(10);
    private static final int AUTH_TIMEOUT_MILLIS = 5000;

    /**
     * {@code port} 0 for a free one; {@code maxPause} null for no limit; {@code idleTimeout} null
     * to wait for clients forever; {@code allowKill} passes kill through; {@code kind} is the
     * debug server the factory starts, which decides the debugger that may connect;
     * {@code fileRoot} is where the server sees the target's files ({@link TargetFiles}; empty
     * when as they are); {@code key}, when not null, is the session's {@link SessionKey}: every
     * connection must present it, and once the last lease is gone for {@link #LEASE_GRACE} and no
     * client is connected the guard ends, unless {@code stay}.
     */
    public record Config(int port, Duration maxPause, Duration idleTimeout, boolean allowKill, DebugServer.Kind kind,
                         String fileRoot, SessionKey key, boolean stay) {
        public Config(int port, Duration maxPause, Duration idleTimeout, boolean allowKill, DebugServer.Kind kind) {
            this(port, maxPause, idleTimeout, allowKill, kind, "", null, false);
        }

        public Config {
            fileRoot = fileRoot == null ? "" : fileRoot;
            if (port < 0 || port > 65535) {
                throw MeshdbgException.badInput("--port must be 0..65535, not " + port);
            }
            if (maxPause != null && (maxPause.isNegative() || maxPause.isZero())) {
                throw MeshdbgException.badInput("--max-pause must be positive, not " + describe(maxPause));
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw MeshdbgException.badInput("--idle-timeout must be positive, not " + describe(idleTimeout));
            }
            Objects.requireNonNull(kind, "kind");
        }
    }

    private final Config config;
    private final Supplier<DebugServer> servers;
    private final GuardListener listener;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "guard-watchdog");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket listenSocket;
    private Session active;
    private long idleSince = System.nanoTime();
    private boolean closing;
    private int leases;
    private long leaseLostAt = -1;

    public Guard(Config config, Supplier<DebugServer> servers, GuardListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.listener = listener == null ? new GuardListener() { } : listener;
    }

    /** Binds 127.0.0.1 (only), starts accepting clients and returns the bound address. */
    public synchronized InetSocketAddress start() {
        if (listenSocket != null) {
            throw new IllegalStateException("the guard is already started");
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            try {
                s.bind(new InetSocketAddress(loopback, config.port()), 4);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            listenSocket = s;
        } catch (BindException e) {
            throw MeshdbgException.badInput("port " + config.port() + " on 127.0.0.1 is in use: choose another --port, or 0 for a free one");
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot listen on 127.0.0.1:" + config.port() + ": " + e.getMessage(), e);
        }
        idleSince = System.nanoTime();
        InetSocketAddress address = address();
        Sockets.daemon("guard-accept " + address.getPort(), this::acceptClients);
        watchdog.scheduleWithFixedDelay(this::watch, WATCHDOG_MILLIS, WATCHDOG_MILLIS, TimeUnit.MILLISECONDS);
        listener.listening(address);
        return address;
    }

    public synchronized InetSocketAddress address() {
        return listenSocket == null ? null : (InetSocketAddress) listenSocket.getLocalSocketAddress();
    }

    public synchronized boolean clientConnected() {
        return active != null;
    }

    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Detaches a connected client's target (removing its breakpoints) and stops. Safe to call
     * from a shutdown hook and more than once; returns when the target is detached.
     */
    @Override
    public void close() {
        Session session;
        synchronized (this) {
            if (closing) {
                session = null;
            } else {
                closing = true;
                session = active;
                closeListenSocket();
            }
        }
        if (session != null) {
            session.end("meshdbg is shutting down", null, "meshdbg: shutting down; the target was detached and runs", false);
            try {
                session.awaitEnd(SHUTDOWN_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        watchdog.shutdown();
        terminated.countDown();
    }

    /**
     * Closes once the connected client's session has ended by itself (its server reported the
     * target's exit and left), or after {@code grace}: the debugger hears the exit from its
     * server, not a notice of ours in its place.
     */
    public void closeAfterClient(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (clientConnected() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    private void acceptClients() {
        for (;;) {
            Socket socket;
            try {
                socket = listenSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (config.key() == null) {
                onConnect(socket);
            } else {
                Sockets.daemon("guard-auth " + Sockets.peer(socket), () -> authenticate(socket));
            }
        }
    }

    /** Admits only this session's connections; anything else is closed with nothing relayed. */
    private void authenticate(Socket socket) {
        String peer = Sockets.peer(socket);
        java.util.Optional<SessionKey.Purpose> purpose;
        try {
            socket.setSoTimeout(AUTH_TIMEOUT_MILLIS);
            purpose = config.key().check(socket.getInputStream());
            socket.setSoTimeout(0);
        } catch (IOException e) {
            purpose = java.util.Optional.empty();
        }
        if (purpose.isEmpty()) {
            listener.refused(peer, "not this session's connection (no session key): closed, nothing relayed");
            Sockets.closeGracefully(socket);
        } else if (purpose.get() == SessionKey.Purpose.LEASE) {
            holdLease(socket);
        } else {
            onConnect(socket);
        }
    }

    /** The CLI's lease: the session lasts while it is open (or comes back within the grace). */
    private void holdLease(Socket socket) {
        synchronized (this) {
            leases++;
            leaseLostAt = -1;
        }
        try (socket) {
            while (socket.getInputStream().read() >= 0) {
                // Nothing is sent on a lease; it only has to stay open.
            }
        } catch (IOException e) {
            // Broken: the same as closed.
        }
        synchronized (this) {
            if (--leases == 0) {
                leaseLostAt = System.nanoTime();
            }
        }
    }

    private synchronized void onConnect(Socket socket) {
        String peer = Sockets.peer(socket);
        if (closing) {
            Sockets.closeGracefully(socket);
            return;
        }
        if (active != null) {
            String reason = "a debugger from " + active.peer() + " is attached; only one client at a time";
            listener.refused(peer, reason);
            Sockets.daemon("guard-refuse " + peer, () -> Refusal.turnAway(socket, "meshdbg: " + reason, 5000));
            return;
        }
        try {
            active = new Session(socket, config, servers, listener, this::sessionEnded);
        } catch (IOException e) {
            Sockets.closeGracefully(socket);
            return;
        }
        listener.clientConnected(peer);
        active.start();
    }

    private synchronized void sessionEnded(Session session) {
        if (active == session) {
            active = null;
            idleSince = System.nanoTime();
        }
    }

    private void watch() {
        Session session;
        long idle;
        long leaseGone;
        synchronized (this) {
            if (closing) {
                return;
            }
            session = active;
            idle = System.nanoTime() - idleSince;
            leaseGone = leases == 0 && leaseLostAt >= 0 ? System.nanoTime() - leaseLostAt : -1;
        }
        if (session != null) {
            if (config.maxPause() != null) {
                session.checkMaxPause(config.maxPause());
            }
        } else if (!config.stay() && leaseGone >= LEASE_GRACE.toNanos()) {
            listener.sessionOver();
            close();
        } else if (config.idleTimeout() != null && idle >= config.idleTimeout().toNanos()) {
            listener.idle(config.idleTimeout());
            close();
        }
    }

    private void closeListenSocket() {
        try {
            if (listenSocket != null) {
                listenSocket.close();
            }
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    /** 90s, 5m, 1h30m: durations as people write them on the command line. */
    static String describe(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            sb.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || sb.length() == 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }
}
