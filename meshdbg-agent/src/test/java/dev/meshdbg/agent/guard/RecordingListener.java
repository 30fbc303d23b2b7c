package dev.meshdbg.agent.guard;

import dev.meshdbg.errors.MeshdbgException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Records the guard's events as short lines ("detached 2 <reason>") and lets a test wait for one. */
final class RecordingListener implements GuardListener {
    private final List<String> events = new ArrayList<>();

    @Override
    public void listening(InetSocketAddress address) {
        add("listening " + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    @Override
    public void clientConnected(String peer) {
        add("connected " + peer);
    }

    @Override
    public void attached(String server) {
        add("attached " + server);
    }

    @Override
    public void clientDisconnected(String reason) {
        add("disconnected " + reason);
    }

    @Override
    public void detached(String reason, int breakpointsRemoved) {
        add("detached " + breakpointsRemoved + " " + reason);
    }

    @Override
    public void refused(String peer, String reason) {
        add("refused " + reason);
    }

    @Override
    public void sessionOver() {
        add("session-over");
    }

    @Override
    public void idle(Duration idleFor) {
        add("idle " + idleFor.toMillis());
    }

    @Override
    public void error(MeshdbgException error) {
        add("error " + error.getMessage());
    }

    private synchronized void add(String event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    /** The first event starting with the prefix, waiting up to the timeout for it. */
    synchronized Optional<String> await(String prefix, Duration timeout) throws InterruptedException {
        return await(e -> e.startsWith(prefix), timeout);
    }

    synchronized Optional<String> await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Optional<String> found = events.stream().filter(match).findFirst();
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) {
                return found;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", events);
    }
}
