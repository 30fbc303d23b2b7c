package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The default mode: an ephemeral container in the target pod that shares the sidecar's PID
 * namespace. It cannot be removed afterwards; the agent exits on its idle timeout once nobody is attached.
 */
public final class EphemeralAgent implements AgentHandle {
    private final ResolvedTarget target;
    private final AgentLog log;

    private EphemeralAgent(ResolvedTarget target, AgentLog log) {
        this.target = target;
        this.log = log;
    }

    public static EphemeralAgent start(KubernetesClient client, ResolvedTarget target, SessionInfo session, String image,
                                       AgentCommand agent, Duration timeout, Consumer<AgentEvent> events) {
        EphemeralContainer container = container(target, session, image, agent);
        String where = target.namespace() + "/" + target.podName();
        try {
            client.pods().inNamespace(target.namespace()).withName(target.podName()).ephemeralContainers()
                    .edit(p -> new PodBuilder(p).editSpec().addToEphemeralContainers(container).endSpec().build());
        } catch (KubernetesClientException e) {
            throw refused(e, where);
        }
        new ContainerWait(client).awaitRunning(target.namespace(), target.podName(), container.getName(), timeout);
        AgentLog log = new AgentLog(client, target.namespace(), target.podName(), container.getName(), events);
        log.start();
        return new EphemeralAgent(target, log);
    }

    static EphemeralContainer container(ResolvedTarget target, SessionInfo session, String image, AgentCommand agent) {
        return new EphemeralContainerBuilder()
                .withName(session.agentName())
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withTargetContainerName(target.sidecar().name())
                .withCommand(agent.command())
                .withArgs(agent.argsForProcessName())
                .withNewSecurityContext()
                // Root with SYS_PTRACE: a non-root user's added capabilities are not effective. An
                // explicit runAsNonRoot=false overrides a pod-level runAsNonRoot=true.
                .withRunAsUser(0L).withRunAsNonRoot(false)
                .withNewCapabilities().addToAdd("SYS_PTRACE").endCapabilities()
                .endSecurityContext()
                .withStdin(false).withTty(false)
                .build();
    }

    private static MeshdbgException refused(KubernetesClientException e, String where) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        // 404: no such subresource (before 1.23, or the feature off); 422: the server refused the spec.
        if (e.getCode() == 404 || e.getCode() == 415 || e.getCode() == 422) {
            return MeshdbgException.badInput("this cluster does not accept ephemeral containers (HTTP " + e.getCode()
                    + (message == null ? "" : ": " + KubeErrors.firstLine(message)) + "); use --mode node");
        }
        if (message != null && message.contains("PodSecurity")) {
            return MeshdbgException.badInput("Pod Security admission refused the agent container in " + where + ": "
                    + KubeErrors.firstLine(message) + "; use --mode node");
        }
        return KubeErrors.translate("add the agent's ephemeral container to pod " + where, e);
    }

    @Override
    public String namespace() {
        return target.namespace();
    }

    @Override
    public String podName() {
        return target.podName();
    }

    @Override
    public AgentReady awaitReady(Duration timeout) {
        return log.awaitReady(timeout);
    }

    @Override
    public CompletableFuture<String> ended() {
        return log.ended();
    }

    @Override
    public void close() {
        log.close();
    }
}
