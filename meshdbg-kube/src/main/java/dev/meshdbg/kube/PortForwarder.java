package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Forwards a loopback port to the guard's port in a pod. Bound to 127.0.0.1 only (fabric8's default
 * would be every interface). Every debugger connection gets its own stream; when one drops, the
 * guard detaches and Envoy runs; the local port stays, so the debugger simply connects again.
 * A watchdog re-opens the listener on the same port if the forward as a whole dies.
 */
public final class PortForwarder implements AutoCloseable {
    /** Forward events, for the person at the terminal. */
    public interface Listener {
        default void dropped(String why) {
        }

        default void restored(LocalEndpoint endpoint) {
        }
    }

    private static final long WATCH_MILLIS = 500;

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final int remotePort;
    private final Listener listener;
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private volatile LocalPortForward forward;
    private volatile boolean closed;
    private int localPort;
    private int errorsSeen;
    private Thread watchdog;

    public PortForwarder(KubernetesClient client, String namespace, String pod, int remotePort, Listener listener) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
        this.remotePort = remotePort;
        this.listener = listener;
    }

    /** Opens the forward on {@code localPort} (0: a free one) and starts watching it. */
    public synchronized LocalEndpoint open(int requestedPort) {
        localPort = requestedPort != 0 ? requestedPort : freePort();
        forward = bind();
        watchdog = new Thread(this::watch, "meshdbg-port-forward-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return endpoint();
    }

    public LocalEndpoint endpoint() {
        return new LocalEndpoint(loopback.getHostAddress(), localPort);
    }

    /** The forward in use now: replaced by the watchdog when it dies. */
    LocalPortForward current() {
        return forward;
    }

    private LocalPortForward bind() {
        try {
            return client.pods().inNamespace(namespace).withName(pod).portForward(remotePort, loopback, localPort);
        } catch (RuntimeException e) {
            throw MeshdbgException.failure("cannot forward " + loopback.getHostAddress() + ":" + localPort + " to port "
                    + remotePort + " of pod " + namespace + "/" + pod + ": " + e.getMessage(), e);
        }
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                LocalPortForward f = forward;
                int errors = f.getClientThrowables().size() + f.getServerThrowables().size();
                if (errors > errorsSeen) {
                    errorsSeen = errors;
                    listener.dropped("a forwarded connection dropped; the guard detached and Envoy runs; connect again to "
                            + endpoint().address());
                }
                if (!f.isAlive()) {
                    listener.dropped("the port-forward stopped; re-opening it on " + endpoint().address());
                    closeQuietly(f);
                    try {
                        forward = bind();
                        errorsSeen = 0;
                        listener.restored(endpoint());
                    } catch (MeshdbgException e) {
                        listener.dropped(e.getMessage() + "; retrying");
                    }
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw MeshdbgException.failure("no free local port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(LocalPortForward f) {
        try {
            f.close();
        } catch (IOException | RuntimeException e) {
            // Already gone: nothing more to release.
        }
    }

    @Override
    public void close() {
        Thread w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            w = watchdog;
            if (forward != null) {
                closeQuietly(forward);
            }
        }
        if (w != null) {
            w.interrupt();
        }
    }
}
