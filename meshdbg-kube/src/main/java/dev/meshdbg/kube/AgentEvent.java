package dev.meshdbg.kube;

import dev.meshdbg.agent.AgentEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** One line the agent printed: its name and the whole JSON object. */
public record AgentEvent(String name, ObjectNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses one log line; anything that is not an agent event (a JVM warning, say) is empty. */
    public static Optional<AgentEvent> parse(String line) {
        String trimmed = line.strip();
        // Kubernetes may prefix log lines with a timestamp when asked; we never ask, but be lenient.
        int brace = trimmed.indexOf('{');
        if (brace < 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(trimmed.substring(brace));
            if (node instanceof ObjectNode obj && obj.path(AgentEvents.FIELD).isTextual()) {
                return Optional.of(new AgentEvent(obj.get(AgentEvents.FIELD).asText(), obj));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public boolean is(String eventName) {
        return name.equals(eventName);
    }

    public String text(String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
