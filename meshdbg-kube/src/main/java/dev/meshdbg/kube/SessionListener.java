package dev.meshdbg.kube;

import java.util.List;

/** Progress of a cluster session, for the terminal or JSON output. Every method is optional. */
public interface SessionListener {
    /** A plain step ("adding ephemeral container meshdbg-x1y2z3"). */
    default void step(String message) {
    }

    default void warning(String message) {
    }

    default void resolved(ResolvedTarget target) {
    }

    /**
     * Said before anything attaches: while Envoy is stopped at a breakpoint the pod turns NotReady
     * and traffic through the sidecar stops. {@code probe} describes the sidecar's readiness probe.
     */
    default void trafficNotice(List<String> lines) {
    }

    default void agentEvent(AgentEvent event) {
    }

    /** The agent is ready and the forward is open: a debugger can connect to {@code local}. */
    default void forwarding(LocalEndpoint local, AgentReady ready) {
    }

    default void forwardDropped(String why) {
    }

    default void forwardRestored(LocalEndpoint local) {
    }

    /** The session ended and everything it created is gone (or reported as a warning). */
    default void ended(String reason) {
    }
}
