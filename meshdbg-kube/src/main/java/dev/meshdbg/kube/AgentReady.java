package dev.meshdbg.kube;

import dev.meshdbg.agent.guard.SessionKey;
import dev.meshdbg.errors.MeshdbgException;

/** The agent's {@code ready} event: where the guard listens inside the pod, and what it attached to. */
public record AgentReady(String address, int port, String debugger, long hostPid, long innerPid, String buildId,
                         SessionKey sessionKey) {
    public static AgentReady of(AgentEvent event) {
        var j = event.json();
        int port = j.path("port").asInt(-1);
        if (port <= 0 || port > 65535) {
            throw MeshdbgException.failure("the agent reported ready without a valid port: " + j, null);
        }
        String key = j.path("sessionKey").asText("");
        if (!key.matches("([0-9a-f]{2}){16,}")) {
            throw MeshdbgException.failure("the agent reported ready without a session key: its image carries an older meshdbg;"
                    + " rebuild it with this one (meshdbg image agent, or meshdbg image build)", null);
        }
        return new AgentReady(j.path("address").asText("127.0.0.1"), port, j.path("debugger").asText(null),
                j.path("hostPid").asLong(-1), j.path("innerPid").asLong(-1), j.path("buildId").asText(null),
                SessionKey.ofHex(key));
    }
}
