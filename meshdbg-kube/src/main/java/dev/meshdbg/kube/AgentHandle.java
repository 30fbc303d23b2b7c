package dev.meshdbg.kube;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A started agent in the cluster: where to port-forward to, its readiness, its end. */
public interface AgentHandle extends AutoCloseable {
    /** The namespace of the pod the agent runs in (the target's, or meshdbg's own in node mode). */
    String namespace();

    String podName();

    AgentReady awaitReady(Duration timeout);

    /** Completes with a reason when the agent ends by itself. */
    CompletableFuture<String> ended();

    /** Stops following the agent and removes what can be removed; safe to call twice. */
    @Override
    void close();
}
