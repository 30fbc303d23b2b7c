package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.Pod;

/** The pod a session attaches to, where it runs, and its sidecar. */
public record ResolvedTarget(String namespace, String podName, String nodeName, Sidecar sidecar, Pod pod) {
    public String describe() {
        return namespace + "/" + podName + " container " + sidecar.name()
                + (nodeName != null ? " on node " + nodeName : "");
    }
}
