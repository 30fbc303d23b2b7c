package dev.meshdbg.kube;

/** The agent's stdout protocol: one JSON object per line with an {@code "event"} field. One place for the names. */
public final class AgentEvents {
    public static final String FIELD = "event";
    public static final String RESOLVED = "resolved";
    public static final String READY = "ready";
    public static final String CLIENT_CONNECTED = "client-connected";
    public static final String CLIENT_DISCONNECTED = "client-disconnected";
    public static final String DETACHED = "detached";
    public static final String DONE = "done";
    public static final String ERROR = "error";

    /** Where the debug image puts the agent's launcher (jlinked runtime + agent jar). */
    public static final String DEFAULT_AGENT_COMMAND = "/opt/meshdbg/bin/meshdbg-agent";

    private AgentEvents() {
    }
}
