package dev.meshdbg.kube;

import java.util.concurrent.CompletableFuture;

/**
 * The client step of a session: given a local address for the guard, run or wait for a debugger.
 * The session ends when {@link #run} returns or throws; the client module plugs in here.
 */
@FunctionalInterface
public interface SessionHandler {
    /** What the client step gets to work with. */
    record Context(ResolvedTarget target, SessionInfo session, LocalEndpoint endpoint, AgentReady ready,
                   CompletableFuture<String> ended) {
    }

    void run(Context context) throws Exception;

    /** Waits until the agent ends or the session is closed (Ctrl-C): for {@code --client none}. */
    static SessionHandler waitForEnd() {
        return context -> context.ended().join();
    }
}
