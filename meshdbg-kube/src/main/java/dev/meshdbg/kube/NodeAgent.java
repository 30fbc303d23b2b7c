package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Node mode: a privileged hostPID pod pinned to the target's node, in meshdbg's own namespace. Its
 * agent finds Envoy by the sidecar's container id and enters its mount and PID namespaces. The pod
 * is deleted when the session ends, and {@code activeDeadlineSeconds} ends it if meshdbg cannot.
 */
public final class NodeAgent implements AgentHandle {
    public static final String CONTAINER = "agent";

    private final KubernetesClient client;
    private final String namespace;
    private final String podName;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile AgentLog log;

    private NodeAgent(KubernetesClient client, String namespace, String podName) {
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
    }

    /** Creates the pod; once it exists the caller owns the returned handle and must close it, even on failure. */
    public static NodeAgent create(KubernetesClient client, ResolvedTarget target, SessionInfo session, String image,
                                   AgentCommand agent, String agentNamespace, boolean createNamespace, Duration deadline) {
        if (createNamespace) {
            KubeErrors.run("create namespace " + agentNamespace, () -> client.namespaces().resource(new NamespaceBuilder()
                    .withNewMetadata().withName(agentNamespace)
                    .addToLabels(Labels.POD_SECURITY_ENFORCE, "privileged")
                    .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                    .endMetadata().build()).create());
        }
        Pod pod = pod(target, session, image, agent, agentNamespace, deadline);
        KubeErrors.run("create the node agent pod in namespace " + agentNamespace,
                () -> client.pods().inNamespace(agentNamespace).resource(pod).create());
        return new NodeAgent(client, agentNamespace, pod.getMetadata().getName());
    }

    static Pod pod(ResolvedTarget target, SessionInfo session, String image, AgentCommand agent,
                   String agentNamespace, Duration deadline) {
        return new PodBuilder()
                .withNewMetadata().withName(session.agentName()).withNamespace(agentNamespace)
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .addToLabels(Labels.SESSION, session.id())
                .addToLabels(Labels.TARGET_NAMESPACE, target.namespace())
                // An injecting namespace would otherwise give the agent pod an istio-proxy of its own.
                .addToLabels(Labels.ISTIO_INJECT, "false")
                .addToAnnotations(Labels.ISTIO_INJECT, "false")
                .addToAnnotations(Labels.TARGET_POD, target.podName())
                .endMetadata()
                .withNewSpec()
                .withNodeName(target.nodeName())
                .withHostPID(true)
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(Math.max(60, deadline.toSeconds()))
                .withTerminationGracePeriodSeconds(10L)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                // Pinned by nodeName, so the scheduler is bypassed; tolerate every taint (NoExecute too).
                .addNewToleration().withOperator("Exists").endToleration()
                .addNewContainer().withName(CONTAINER).withImage(image).withImagePullPolicy("IfNotPresent")
                .withCommand(agent.command())
                .withArgs(agent.argsForContainer(target.sidecar().containerId()))
                .withNewSecurityContext().withPrivileged(true).withRunAsUser(0L).withRunAsNonRoot(false).endSecurityContext()
                .endContainer()
                .endSpec().build();
    }

    /** Waits for the agent container and starts following its log. */
    public void start(KubernetesClient client, Duration timeout, Consumer<AgentEvent> events) {
        new ContainerWait(client).awaitRunning(namespace, podName, CONTAINER, timeout);
        AgentLog l = new AgentLog(client, namespace, podName, CONTAINER, events);
        log = l;
        l.start();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String podName() {
        return podName;
    }

    @Override
    public AgentReady awaitReady(Duration timeout) {
        return log.awaitReady(timeout);
    }

    @Override
    public CompletableFuture<String> ended() {
        return log.ended();
    }

    /** Deleting the pod sends the agent SIGTERM: the guard detaches from Envoy and exits. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        AgentLog l = log;
        if (l != null) {
            l.close();
        }
        KubeErrors.run("delete the node agent pod " + namespace + "/" + podName,
                () -> client.pods().inNamespace(namespace).withName(podName).withGracePeriod(10).delete());
    }
}
