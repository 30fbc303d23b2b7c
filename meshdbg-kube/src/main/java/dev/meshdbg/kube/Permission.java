package dev.meshdbg.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One verb on one resource, as a SelfSubjectAccessReview asks it and an RBAC rule grants it. A
 * null namespace is cluster scope. {@link #forMode} is the one list of what a session uses: preflight
 * checks it, {@link RbacRole} renders it, and docs/kube.md shows that rendering.
 */
public record Permission(String verb, String resource, String subresource, String namespace, Need need) {

    /** Why a session asks for a permission, which decides what preflight does without it. */
    public enum Need {
        /** The session cannot work without it: preflight refuses, naming it. */
        REQUIRED,
        /** A courtesy (the session annotation, the Pod Security check): without it preflight warns and goes on. */
        COURTESY,
        /** Only to resolve a workload target or a --pod-selector; that resolution itself says when it is forbidden. */
        WORKLOAD_TARGET,
        /** Only when the agent namespace does not exist yet; preflight checks it then. */
        MISSING_AGENT_NAMESPACE
    }

    private static final Set<String> APPS = Set.of("deployments", "statefulsets", "daemonsets");

    public Permission(String verb, String resource, String subresource, String namespace) {
        this(verb, resource, subresource, namespace, Need.REQUIRED);
    }

    /** Exactly what a mode uses: every API call the session makes appears here once. */
    public static List<Permission> forMode(Mode mode, String targetNamespace, String agentNamespace) {
        List<Permission> p = new ArrayList<>();
        String t = targetNamespace;
        p.add(new Permission("get", "pods", null, t));
        p.add(new Permission("list", "pods", null, t, Need.WORKLOAD_TARGET));
        for (String workload : List.of("deployments", "statefulsets", "daemonsets")) {
            p.add(new Permission("get", workload, null, t, Need.WORKLOAD_TARGET));
        }
        p.add(new Permission("patch", "pods", null, t, Need.COURTESY)); // the session annotation
        if (mode == Mode.EPHEMERAL) {
            p.add(new Permission("patch", "pods", "ephemeralcontainers", t));
            p.add(new Permission("get", "pods", "log", t));
            p.addAll(portForward(t));
            p.add(new Permission("get", "namespaces", null, null, Need.COURTESY)); // its Pod Security level
        } else {
            String a = agentNamespace;
            p.add(new Permission("create", "pods", null, a));
            p.add(new Permission("get", "pods", null, a));
            p.add(new Permission("delete", "pods", null, a));
            p.add(new Permission("get", "pods", "log", a));
            p.addAll(portForward(a));
            p.add(new Permission("get", "namespaces", null, null));
            p.add(new Permission("create", "namespaces", null, null, Need.MISSING_AGENT_NAMESPACE));
        }
        return p;
    }

    /**
     * Port-forward is authorized as {@code get pods/portforward} up to Kubernetes 1.34 and also needs
     * {@code create} from 1.35 (kubernetes#134577): ask for both, so a Role works on either side.
     */
    private static List<Permission> portForward(String namespace) {
        return List.of(new Permission("get", "pods", "portforward", namespace),
                new Permission("create", "pods", "portforward", namespace));
    }

    /** The permissions of a list with this need. */
    public static List<Permission> needed(List<Permission> all, Need need) {
        return all.stream().filter(p -> p.need() == need).toList();
    }

    /** The API group: {@code apps} for workloads, the core group ("") for the rest. */
    public String group() {
        return APPS.contains(resource) ? "apps" : "";
    }

    /** {@code pods/portforward}, as RBAC rules spell a subresource. */
    public String rbacResource() {
        return resource + (subresource != null ? "/" + subresource : "");
    }

    /** kubectl's spelling: {@code create pods/portforward in namespace x}. */
    public String describe() {
        return verb + " " + rbacResource() + (namespace != null ? " in namespace " + namespace : " (cluster-wide)");
    }
}
