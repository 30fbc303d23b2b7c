package dev.meshdbg.kube.sidecar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.TargetRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Points a workload's sidecar at another proxy image (Istio's {@code sidecar.istio.io/*} pod-template
 * annotations) and back. The values found before the first change are kept in one annotation, so
 * {@code reset} restores exactly them, removing what was absent. Both are idempotent.
 */
public final class SidecarImage {
    public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
    public static final String PROXY_MEMORY = "sidecar.istio.io/proxyMemory";
    public static final String PROXY_MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";
    /** The values before meshdbg's first change: a JSON object, null for "was absent". */
    public static final String PREVIOUS = "meshdbg.dev/sidecar-previous";
    private static final List<String> KEYS = List.of(PROXY_IMAGE, PROXY_MEMORY, PROXY_MEMORY_LIMIT);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A planned change. {@code patch} is the JSON merge patch, or null when there is nothing to do.
     * {@code before}/{@code after} hold the three sidecar annotations (absent ones left out); {@code hold}
     * names the pods the controller will not replace (null when it replaces all, or nothing changes).
     */
    public record Change(String workload, String patch, Map<String, String> before, Map<String, String> after,
                         RolloutHold hold) {
        public Change(String workload, String patch, Map<String, String> before, Map<String, String> after) {
            this(workload, patch, before, after, null);
        }

        public boolean changes() {
            return patch != null;
        }
    }

    private final KubernetesClient client;
    private final String namespace;

    public SidecarImage(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Plans {@code set-image}; null memory values leave those annotations as they are. */
    public Change planSet(TargetRef ref, String image, String memory, String memoryLimit) {
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw MeshdbgException.badInput("--image must be an image reference such as registry/proxyv2:1.24-debug");
        }
        if (!image.contains("/")) {
            // Istio's injector takes a proxyImage without a '/' for a name under its own hub and tag: the
            // annotation would be silently ignored and the old proxy injected again.
            throw MeshdbgException.badInput("--image " + image + " has no registry: Istio ignores a " + PROXY_IMAGE
                    + " without a '/'; give a full reference such as REGISTRY/proxyv2:TAG");
        }
        Workload w = new Workload(client, namespace, ref);
        HasMetadata workload = w.get();
        Map<String, String> current = Workload.templateAnnotations(workload);
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(PROXY_IMAGE, image);
        if (memory != null) {
            wanted.put(PROXY_MEMORY, memory);
        }
        if (memoryLimit != null) {
            wanted.put(PROXY_MEMORY_LIMIT, memoryLimit);
        }
        Map<String, String> previous = previous(current);
        boolean changes = false;
        for (var e : wanted.entrySet()) {
            if (!Objects.equals(current.get(e.getKey()), e.getValue())) {
                changes = true;
            }
            // Keep the oldest value: a second set-image must not make reset forget the original.
            if (!previous.containsKey(e.getKey())) {
                previous.put(e.getKey(), current.get(e.getKey()));
            }
        }
        Map<String, String> after = sidecarKeys(current);
        after.putAll(wanted);
        if (!changes) {
            return new Change(w.describe(), null, sidecarKeys(current), after);
        }
        ObjectNode annotations = JSON.createObjectNode();
        wanted.forEach(annotations::put);
        annotations.put(PREVIOUS, write(previous));
        return new Change(w.describe(), templatePatch(annotations), sidecarKeys(current), after,
                RolloutHold.of(workload, w));
    }

    /** Plans {@code reset}: back to the values before the first set-image; nothing to do if there was none. */
    public Change planReset(TargetRef ref) {
        Workload w = new Workload(client, namespace, ref);
        HasMetadata workload = w.get();
        Map<String, String> current = Workload.templateAnnotations(workload);
        if (!current.containsKey(PREVIOUS)) {
            return new Change(w.describe(), null, sidecarKeys(current), sidecarKeys(current));
        }
        Map<String, String> previous = previous(current);
        ObjectNode annotations = JSON.createObjectNode();
        Map<String, String> after = sidecarKeys(current);
        previous.forEach((k, v) -> {
            if (v == null) {
                annotations.putNull(k);
                after.remove(k);
            } else {
                annotations.put(k, v);
                after.put(k, v);
            }
        });
        annotations.putNull(PREVIOUS);
        return new Change(w.describe(), templatePatch(annotations), sidecarKeys(current), after,
                RolloutHold.of(workload, w));
    }

    /**
     * Applies a planned change; with a timeout, waits for the rollout of the pods the controller
     * replaces. Returns whether it waited: not when the change's hold keeps every pod (no rollout comes).
     */
    public boolean apply(TargetRef ref, Change change, Duration rolloutTimeout) {
        Workload w = new Workload(client, namespace, ref);
        if (change.changes()) {
            w.mergePatch(change.patch());
        }
        if (rolloutTimeout == null || (change.hold() != null && change.hold().all())) {
            return false;
        }
        Rollout.await(w, rolloutTimeout);
        return true;
    }

    private static Map<String, String> previous(Map<String, String> current) {
        Map<String, String> previous = new LinkedHashMap<>();
        String raw = current.get(PREVIOUS);
        if (raw == null) {
            return previous;
        }
        try {
            JSON.readTree(raw).properties().forEach(e -> {
                if (KEYS.contains(e.getKey())) {
                    previous.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
                }
            });
        } catch (JsonProcessingException e) {
            throw MeshdbgException.badInput("annotation " + PREVIOUS + " is not valid JSON; fix or remove it by hand");
        }
        return previous;
    }

    private static Map<String, String> sidecarKeys(Map<String, String> annotations) {
        Map<String, String> m = new LinkedHashMap<>();
        KEYS.forEach(k -> {
            if (annotations.containsKey(k)) {
                m.put(k, annotations.get(k));
            }
        });
        return m;
    }

    private static String templatePatch(ObjectNode annotations) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("spec").putObject("template").putObject("metadata").set("annotations", annotations);
        return root.toString();
    }

    private static String write(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
