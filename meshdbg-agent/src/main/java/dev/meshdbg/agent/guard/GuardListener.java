package dev.meshdbg.agent.guard;

import dev.meshdbg.errors.MeshdbgException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What the guard reports while it runs. Called from the guard's own threads; implementations
 * must be quick and must not throw. Every method has an empty default.
 */
public interface GuardListener {
    /** The guard accepts clients at this address (always 127.0.0.1). */
    default void listening(InetSocketAddress address) {
    }

    /** A debugger connected; the debug server is started (attaching) once it speaks. */
    default void clientConnected(String peer) {
    }

    /** The debug server attached to the target (stopping it) and the guard relays to it; {@code server} says how it is reached. */
    default void attached(String server) {
    }

    /** The client's session ended: {@code detach}, EOF, reset, kill, max pause, shutdown. */
    default void clientDisconnected(String reason) {
    }

    /**
     * The target was left running. {@code breakpointsRemoved} counts the client's breakpoints and
     * watchpoints the guard removed itself first (0 when the client removed its own).
     */
    default void detached(String reason, int breakpointsRemoved) {
    }

    /** The debug server reported the target's end ({@code W}/{@code X} stop reply), as a wait status. */
    default void targetEnded(int waitStatus) {
    }

    /** A client was turned away (a session is active, or the debugger does not pair with the server). */
    default void refused(String peer, String reason) {
    }

    /** The session's lease (meshdbg's end) is gone and no client is connected: the guard stops. */
    default void sessionOver() {
    }

    /** No client for the idle timeout: the guard stops. */
    default void idle(Duration idleFor) {
    }

    /** Something went wrong; the guard keeps the target safe and goes on if it can. */
    default void error(MeshdbgException error) {
    }
}
