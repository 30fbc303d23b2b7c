package dev.meshdbg.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The pod annotation that says a session is attached; JSON merge patches touch nothing else. */
public final class SessionAnnotations {
    private final KubernetesClient client;

    public SessionAnnotations(KubernetesClient client) {
        this.client = client;
    }

    public void add(String namespace, String pod, SessionInfo session) {
        KubeErrors.run("annotate pod " + namespace + "/" + pod,
                () -> patch(namespace, pod, session.toJson()));
    }

    /** Removes the annotation if it is still this session's; true when it did. */
    public boolean remove(String namespace, String pod, String sessionId) {
        Pod current = KubeErrors.call("get pod " + namespace + "/" + pod,
                () -> client.pods().inNamespace(namespace).withName(pod).get());
        if (current == null || current.getMetadata().getAnnotations() == null) {
            return false;
        }
        String value = current.getMetadata().getAnnotations().get(Labels.SESSION_ANNOTATION);
        if (value == null || (sessionId != null && !sessionId.equals(SessionInfo.idOf(value)))) {
            return false;
        }
        KubeErrors.run("remove the session annotation from pod " + namespace + "/" + pod,
                () -> patch(namespace, pod, null));
        return true;
    }

    private void patch(String namespace, String pod, String value) {
        ObjectNode body = new ObjectMapper().createObjectNode();
        ObjectNode annotations = body.putObject("metadata").putObject("annotations");
        if (value == null) {
            annotations.putNull(Labels.SESSION_ANNOTATION);
        } else {
            annotations.put(Labels.SESSION_ANNOTATION, value);
        }
        client.pods().inNamespace(namespace).withName(pod)
                .patch(PatchContext.of(PatchType.JSON_MERGE), body.toString());
    }
}
