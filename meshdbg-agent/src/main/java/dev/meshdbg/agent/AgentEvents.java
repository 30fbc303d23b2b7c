package dev.meshdbg.agent;

import dev.meshdbg.agent.guard.SessionKey;
import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.proc.Target;
import dev.meshdbg.errors.MeshdbgException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The agent's output: one JSON object per line, each with {@code "event"} and {@code "time"}.
 * The CLI relays these, and in a cluster they are read back from the pod's log; docs/agent.md
 * is the schema. Writing never fails the agent: when the reader is gone (a killed CLI), the
 * stream swallows the error and the agent goes on guarding.
 */
public final class AgentEvents {
    /** The key every event carries its name under. */
    public static final String FIELD = "event";
    public static final String RESOLVED = "resolved";
    public static final String VERIFIED = "verified";
    public static final String READY = "ready";
    public static final String CLIENT_CONNECTED = "client-connected";
    public static final String ATTACHED = "attached";
    public static final String CLIENT_REFUSED = "client-refused";
    public static final String CLIENT_DISCONNECTED = "client-disconnected";
    public static final String DETACHED = "detached";
    public static final String WARNING = "warning";
    public static final String TARGET_EXITED = "target-exited";
    public static final String DONE = "done";
    public static final String ERROR = "error";

    private final PrintStream out;

    public AgentEvents(PrintStream out) {
        this.out = out;
    }

    public synchronized void emit(String event, Json fields) {
        out.println(Json.object().put(FIELD, event).put("time", Instant.now().toString()).putAll(fields));
        out.flush();
    }

    public void resolved(Target t) {
        emit(RESOLVED, target(t).put("comm", t.comm()).put("cmdline", t.cmdline()).put("runtime", t.runtime())
                .put("namespaces", Json.object().put("mnt", t.namespaces().mnt()).put("pid", t.namespaces().pid())
                        .put("uts", t.namespaces().uts())));
    }

    public void verified(SymbolsCheck.Verdict v) {
        emit(VERIFIED, Json.object().put("method", v.method()).put("running", v.running()).put("symbols", v.symbols())
                .put("match", v.match()).put("ignored", v.ignored()));
    }

    /** {@code key} goes only to whoever reads this stream: the CLI's pipe, or the agent container's log. */
    public void ready(InetSocketAddress address, SessionKey key, String debugger, DebugServerLocator.Placement placement,
                      Target t, String buildId) {
        emit(READY, Json.object().put("address", address.getAddress().getHostAddress()).put("port", address.getPort())
                .put("sessionKey", key.hex())
                .put("debugger", debugger).put("server", placement.binary()).put("namespaces", placement.access())
                .put("hostPid", t.hostPid()).put("innerPid", t.innerPid()).put("exe", t.exe()).put("buildId", buildId)
                .put("containerId", t.containerId()).put("hostname", t.hostname()).put("podUid", t.podUid()));
    }

    public void error(MeshdbgException e) {
        emit(ERROR, Json.object().put("kind", e.kind().name()).put("message", e.getMessage()));
    }

    private static Json target(Target t) {
        return Json.object().put("hostPid", t.hostPid()).put("innerPid", t.innerPid()).put("exe", t.exe())
                .put("containerId", t.containerId()).put("hostname", t.hostname()).put("podUid", t.podUid());
    }
}
