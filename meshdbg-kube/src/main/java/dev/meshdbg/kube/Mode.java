package dev.meshdbg.kube;

/** How the agent gets next to Envoy. */
public enum Mode {
    /** An ephemeral container in the target pod, sharing the sidecar's PID namespace. */
    EPHEMERAL,
    /** A privileged hostPID pod on the target's node, in meshdbg's own namespace. */
    NODE
}
