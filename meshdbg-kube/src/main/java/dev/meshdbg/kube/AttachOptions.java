package dev.meshdbg.kube;

import java.time.Duration;

/**
 * What {@code meshdbg attach TARGET} asks for in the cluster.
 *
 * @param target the pod or workload; null when {@code podSelector} alone picks the pod
 * @param image the agent image, or null for the sidecar's own image
 * @param localPort the local port to forward from; 0 picks a free one
 * @param startTimeout how long to wait for the agent container to run and report ready
 * @param nodePodDeadline the node pod's activeDeadlineSeconds: its dead-man switch
 */
public record AttachOptions(TargetRef target, String podSelector, String sidecarName, Mode mode, String image,
                            String agentNamespace, AgentCommand agent, int localPort, Duration startTimeout,
                            Duration nodePodDeadline) {
    public static final String DEFAULT_SIDECAR = "istio-proxy";
    public static final String DEFAULT_AGENT_NAMESPACE = "meshdbg-system";

    public static AttachOptions of(TargetRef target) {
        return new AttachOptions(target, null, DEFAULT_SIDECAR, Mode.EPHEMERAL, null, DEFAULT_AGENT_NAMESPACE,
                AgentCommand.defaults(), 0, Duration.ofMinutes(2), Duration.ofHours(4));
    }

    public AttachOptions withMode(Mode m) {
        return new AttachOptions(target, podSelector, sidecarName, m, image, agentNamespace, agent, localPort,
                startTimeout, nodePodDeadline);
    }

    public AttachOptions withImage(String i) {
        return new AttachOptions(target, podSelector, sidecarName, mode, i, agentNamespace, agent, localPort,
                startTimeout, nodePodDeadline);
    }

    public AttachOptions withAgent(AgentCommand a) {
        return new AttachOptions(target, podSelector, sidecarName, mode, image, agentNamespace, a, localPort,
                startTimeout, nodePodDeadline);
    }

    public AttachOptions withStartTimeout(Duration t) {
        return new AttachOptions(target, podSelector, sidecarName, mode, image, agentNamespace, agent, localPort,
                t, nodePodDeadline);
    }
}
