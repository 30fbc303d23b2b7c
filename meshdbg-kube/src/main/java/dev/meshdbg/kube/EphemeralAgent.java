package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The default mode: an ephemeral container in the target pod that shares the sidecar's PID
 * namespace. It cannot be removed afterwards; its agent exits once the session (meshdbg's lease) is over.
 */
public final class EphemeralAgent implements AgentHandle {
    /** Tries of the ephemeralcontainers patch when the pod changed under it (409 Conflict). */
    static final int CONFLICT_ATTEMPTS = 5;
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
        addContainer(client, target, container, where);
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

    /**
     * Reads the pod and patches the ephemeralcontainers subresource with its resourceVersion; when
     * another writer changed the pod in between (409 Conflict), reads it again and retries.
     */
    private static void addContainer(KubernetesClient client, ResolvedTarget target, EphemeralContainer container,
                                     String where) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(target.namespace()).withName(target.podName()).ephemeralContainers()
                        .edit(p -> new PodBuilder(p).editSpec().addToEphemeralContainers(container).endSpec().build());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == CONFLICT_ATTEMPTS) {
                    throw refused(e, where);
                }
            }
        }
    }

    private static MeshdbgException refused(KubernetesClientException e, String where) {
        Status status = e.getStatus();
        String message = status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
        String line = KubeErrors.firstLine(message);
        if (line.contains("PodSecurity")) {
            return MeshdbgException.badInput("Pod Security admission refused the agent container in " + where + ": "
                    + line + "; use --mode node");
        }
        boolean podNamed = status != null && status.getDetails() != null && status.getDetails().getName() != null
                && !status.getDetails().getName().isEmpty();
        // 404 for the subresource itself (not the pod), 415 from servers that predate it, 422 when the feature is off.
        if ((e.getCode() == 404 && !podNamed) || e.getCode() == 415 || (e.getCode() == 422 && unsupported(line))) {
            return MeshdbgException.badInput("this cluster does not accept ephemeral containers (HTTP " + e.getCode()
                    + (line.isEmpty() ? "" : ": " + line) + "); use --mode node");
        }
        if (e.getCode() == 422) {
            return MeshdbgException.badInput("the API server refused the agent container for pod " + where + ": "
                    + KubeErrors.causes(status, line));
        }
        if (e.getCode() == 409) {
            return MeshdbgException.failure("pod " + where + " kept changing while the agent container was added ("
                    + CONFLICT_ATTEMPTS + " conflicts); try again", e);
        }
        return KubeErrors.translate("add the agent's ephemeral container to pod " + where, e);
    }

    /** A 422 that says the cluster has no ephemeral containers, not that this one is invalid. */
    private static boolean unsupported(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("ephemeral") && (m.contains("not supported") || m.contains("disabled") || m.contains("feature"));
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
