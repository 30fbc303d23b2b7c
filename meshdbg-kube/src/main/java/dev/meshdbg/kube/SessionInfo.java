package dev.meshdbg.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Who attached, since when, how: written on the pod while attached so others can see it. */
public record SessionInfo(String id, String user, Instant since, Mode mode) {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static SessionInfo start(Mode mode) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new SessionInfo(id.toString(), localUser(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), mode);
    }

    /** {@code meshdbg-<id>}: the ephemeral container's and the node pod's name. */
    public String agentName() {
        return Labels.NAME_PREFIX + id;
    }

    public String toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("user", user);
        m.put("since", since.toString());
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        try {
            return new ObjectMapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id inside an annotation value, or null when it is not ours to read. */
    static String idOf(String annotationValue) {
        try {
            return new ObjectMapper().readTree(annotationValue).path("id").asText(null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static String localUser() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
