package dev.meshdbg.agent;

import dev.meshdbg.agent.guard.Guard;
import dev.meshdbg.agent.guard.GuardListener;
import dev.meshdbg.errors.MeshdbgException;

import java.time.Duration;

/**
 * Turns what the guard reports into the agent's events, and ends the guard once the process that
 * started the agent is gone and no client holds the target (a killed CLI must not leave an
 * agent behind forever, nor cut off a debugger in the middle of its session).
 */
final class GuardEvents implements GuardListener {
    private final AgentEvents events;
    private volatile Guard guard;
    private volatile boolean clientPresent;
    private volatile boolean parentGone;
    private volatile String endReason = "closed";
    private volatile Integer reportedExit;

    GuardEvents(AgentEvents events) {
        this.events = events;
    }

    void guard(Guard g) {
        this.guard = g;
    }

    String endReason() {
        return endReason;
    }

    /** The CLI (or whoever started us) died: leave now if idle, else when the client goes. */
    void parentGone() {
        parentGone = true;
        events.emit(AgentEvents.WARNING, Json.object().put("message",
                "the process that started the agent is gone; the agent leaves once no client is connected"));
        if (!clientPresent) {
            endReason = "parent-gone";
            close();
        }
    }

    @Override
    public void clientConnected(String peer) {
        clientPresent = true;
        events.emit(AgentEvents.CLIENT_CONNECTED, Json.object().put("peer", peer));
    }

    @Override
    public void attached(String server) {
        events.emit(AgentEvents.ATTACHED, Json.object().put("server", server));
    }

    @Override
    public void clientDisconnected(String reason) {
        clientPresent = false;
        events.emit(AgentEvents.CLIENT_DISCONNECTED, Json.object().put("reason", reason));
        if (parentGone) {
            endReason = "parent-gone";
            close();
        }
    }

    @Override
    public void detached(String reason, int breakpointsRemoved) {
        events.emit(AgentEvents.DETACHED, Json.object().put("reason", reason).put("breakpointsRemoved", breakpointsRemoved));
    }

    @Override
    public void refused(String peer, String reason) {
        events.emit(AgentEvents.CLIENT_REFUSED, Json.object().put("peer", peer).put("reason", reason));
    }

    @Override
    public void targetEnded(int waitStatus) {
        reportedExit = waitStatus;
    }

    /** The target is gone: nothing left to guard. How it ended is the debug server's word when /proc had none. */
    void targetExited(dev.meshdbg.agent.proc.TargetWatch.Exit seen) {
        // A reaped process leaves no status in /proc; a connected debug server reports it a moment later.
        for (int i = 0; i < 20 && seen.status().isEmpty() && clientPresent && reportedExit == null; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var exit = seen.status().isEmpty() && reportedExit != null
                ? new dev.meshdbg.agent.proc.TargetWatch.Exit(seen.name(), seen.pid(), java.util.Optional.of(reportedExit)) : seen;
        endReason = "target-exited";
        events.emit(AgentEvents.TARGET_EXITED, Json.object().put("pid", exit.pid()).put("status", exit.status().orElse(null))
                .put("message", exit.describe()));
    }

    @Override
    public void sessionOver() {
        endReason = "session-over";
        events.emit(AgentEvents.WARNING, Json.object().put("message",
                "meshdbg's end of the session is gone (its lease closed) and no debugger is connected: leaving"));
    }

    @Override
    public void idle(Duration idleFor) {
        endReason = "idle-timeout";
        events.emit(AgentEvents.WARNING, Json.object().put("message", "no client for " + idleFor.toSeconds() + " s: leaving"));
    }

    @Override
    public void error(MeshdbgException error) {
        events.emit(AgentEvents.WARNING, Json.object().put("kind", error.kind().name()).put("message", error.getMessage()));
    }

    // Closing from a guard thread must not wait for that same thread: hand it to another.
    private void close() {
        Guard g = guard;
        if (g != null) {
            Thread t = new Thread(g::close, "meshdbg-agent-leave");
            t.setDaemon(true);
            t.start();
        }
    }
}
