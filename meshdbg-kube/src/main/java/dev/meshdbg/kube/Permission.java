package dev.meshdbg.kube;

import java.util.ArrayList;
import java.util.List;

/** One verb on one resource, as a SelfSubjectAccessReview asks it. A null namespace is cluster scope. */
public record Permission(String verb, String resource, String subresource, String namespace) {

    /** Exactly what a mode needs: every API call the session makes appears here once. */
    public static List<Permission> forMode(Mode mode, String targetNamespace, String agentNamespace) {
        List<Permission> p = new ArrayList<>();
        p.add(new Permission("get", "pods", null, targetNamespace));
        p.add(new Permission("patch", "pods", null, targetNamespace)); // the session annotation
        if (mode == Mode.EPHEMERAL) {
            p.add(new Permission("patch", "pods", "ephemeralcontainers", targetNamespace));
            p.add(new Permission("get", "pods", "log", targetNamespace));
            p.add(new Permission("create", "pods", "portforward", targetNamespace));
        } else {
            p.add(new Permission("get", "namespaces", null, null));
            p.add(new Permission("create", "pods", null, agentNamespace));
            p.add(new Permission("delete", "pods", null, agentNamespace));
            p.add(new Permission("get", "pods", null, agentNamespace));
            p.add(new Permission("get", "pods", "log", agentNamespace));
            p.add(new Permission("create", "pods", "portforward", agentNamespace));
        }
        return p;
    }

    /** kubectl's spelling: {@code create pods/portforward in namespace x}. */
    public String describe() {
        return verb + " " + resource + (subresource != null ? "/" + subresource : "")
                + (namespace != null ? " in namespace " + namespace : " (cluster-wide)");
    }
}
