package dev.meshdbg.kube;

import dev.meshdbg.agent.AgentEvents;
import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Waits for the agent's container to run, and turns the kubelet's reasons into advice. */
public final class ContainerWait {
    /** Waiting reasons that will not clear up by waiting longer. */
    private static final Set<String> PULL_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");
    /** The runtime could not start the process: waiting reasons, and for containers never restarted, termination reasons. */
    private static final Set<String> START_FAILURES = Set.of("CreateContainerError", "RunContainerError", "StartError",
            "ContainerCannotRun");
    private static final long POLL_MILLIS = 250;

    private final KubernetesClient client;

    public ContainerWait(KubernetesClient client) {
        this.client = client;
    }

    /** Blocks until the container runs; throws a clear failure for pull errors, exits, deletion or the timeout. */
    public void awaitRunning(String namespace, String pod, String container, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastState = "not created yet";
        while (true) {
            Pod p = KubeErrors.call("get pod " + namespace + "/" + pod,
                    () -> client.pods().inNamespace(namespace).withName(pod).get());
            if (p == null) {
                throw MeshdbgException.failure("pod " + namespace + "/" + pod + " was deleted while the agent started", null);
            }
            ContainerStatus status = status(p, container);
            if (status != null && status.getState() != null) {
                if (status.getState().getRunning() != null) {
                    return;
                }
                ContainerStateTerminated t = status.getState().getTerminated();
                if (t != null && START_FAILURES.contains(t.getReason())) {
                    throw cannotStart(p, container, t.getReason(), t.getMessage());
                }
                if (t != null) {
                    agentError(namespace, pod, container);
                    throw MeshdbgException.failure("the agent container " + container + " exited with code "
                            + t.getExitCode() + describe(t.getReason(), t.getMessage())
                            + "; see `kubectl logs -n " + namespace + " " + pod + " -c " + container + "`", null);
                }
                ContainerStateWaiting w = status.getState().getWaiting();
                if (w != null) {
                    failOnWaiting(p, container, w);
                    lastState = "waiting" + describe(w.getReason(), w.getMessage());
                }
            } else {
                lastState = unscheduled(p);
            }
            if ("Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase())) {
                throw MeshdbgException.failure("pod " + namespace + "/" + pod + " failed"
                        + describe(p.getStatus().getReason(), p.getStatus().getMessage()), null);
            }
            if (System.nanoTime() > deadline) {
                throw MeshdbgException.failure("timed out after " + timeout.toSeconds() + "s waiting for the agent container "
                        + container + " in pod " + namespace + "/" + pod + " to start (" + lastState
                        + "); raise --timeout or check the node", null);
            }
            sleep(POLL_MILLIS);
        }
    }

    /** The container's termination, or null while it runs (or cannot be seen). */
    public ContainerStateTerminated terminated(String namespace, String pod, String container) {
        Pod p = client.pods().inNamespace(namespace).withName(pod).get();
        if (p == null) {
            return new ContainerStateTerminated(null, null, null, "PodDeleted", null, null, null);
        }
        ContainerStatus s = status(p, container);
        return s == null || s.getState() == null ? null : s.getState().getTerminated();
    }

    /** An agent that exits at once (bad arguments, Envoy not found) says why in its last error event. */
    private void agentError(String namespace, String pod, String container) {
        String log;
        try {
            log = client.pods().inNamespace(namespace).withName(pod).inContainer(container).getLog();
        } catch (RuntimeException e) {
            return;
        }
        if (log == null) {
            return;
        }
        AgentEvent error = null;
        for (String line : log.split("\n")) {
            AgentEvent e = AgentEvent.parse(line).orElse(null);
            if (e != null && e.is(AgentEvents.ERROR)) {
                error = e;
            }
        }
        if (error != null) {
            String message = "agent: " + error.text("message");
            throw "BAD_INPUT".equals(error.text("kind")) ? MeshdbgException.badInput(message)
                    : MeshdbgException.failure(message, null);
        }
    }

    /** Waiting reasons that will not clear up by waiting longer end the wait at once, naming image, node and pod. */
    private static void failOnWaiting(Pod p, String container, ContainerStateWaiting w) {
        String reason = w.getReason() == null ? "" : w.getReason();
        if (PULL_FAILURES.contains(reason)) {
            throw MeshdbgException.failure("cannot pull the agent image " + spec(p, container).image() + " on node "
                    + p.getSpec().getNodeName() + " (pod " + where(p) + ")" + describe(reason, w.getMessage())
                    + ": check the name and that the node can reach its registry, or pass another with --image", null);
        }
        if (START_FAILURES.contains(reason)) {
            throw cannotStart(p, container, reason, w.getMessage());
        }
        if ("CreateContainerConfigError".equals(reason)) {
            throw MeshdbgException.failure("the agent container " + container + " in pod " + where(p)
                    + " could not be configured" + describe(reason, w.getMessage()), null);
        }
    }

    /** The runtime's own message says what is wrong; most often the image lacks the agent. */
    private static MeshdbgException cannotStart(Pod p, String container, String reason, String message) {
        Spec spec = spec(p, container);
        return MeshdbgException.failure("the agent container " + container + " in pod " + where(p) + " on node "
                + p.getSpec().getNodeName() + " could not start" + describe(reason, message) + ": does image "
                + spec.image() + " hold " + (spec.command().isEmpty() ? "the agent" : spec.command().get(0))
                + " (--agent-command)?", null);
    }

    private record Spec(String image, List<String> command) {
        Spec {
            command = command == null ? List.of() : command;
        }
    }

    /** The container as the pod asks for it: the status may not carry the image while it waits. */
    private static Spec spec(Pod p, String container) {
        var spec = p.getSpec();
        Stream<Spec> containers = Stream.of(spec.getContainers(), spec.getInitContainers()).filter(l -> l != null)
                .flatMap(List::stream).filter(c -> container.equals(c.getName())).map(c -> new Spec(c.getImage(), c.getCommand()));
        Stream<Spec> ephemeral = Stream.ofNullable(spec.getEphemeralContainers()).flatMap(List::stream)
                .filter(c -> container.equals(c.getName())).map(c -> new Spec(c.getImage(), c.getCommand()));
        return Stream.concat(containers, ephemeral).findFirst().orElse(new Spec("(unknown)", null));
    }

    private static String where(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private static ContainerStatus status(Pod p, String container) {
        if (p.getStatus() == null) {
            return null;
        }
        return Stream.of(p.getStatus().getEphemeralContainerStatuses(), p.getStatus().getContainerStatuses(),
                        p.getStatus().getInitContainerStatuses())
                .filter(l -> l != null).flatMap(List::stream)
                .filter(s -> container.equals(s.getName())).findFirst().orElse(null);
    }

    private static String unscheduled(Pod p) {
        if (p.getStatus() != null && p.getStatus().getConditions() != null) {
            for (PodCondition c : p.getStatus().getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                    return "not scheduled" + describe(c.getReason(), c.getMessage());
                }
            }
        }
        return "no status yet";
    }

    static String describe(String reason, String message) {
        if (reason == null && message == null) {
            return "";
        }
        return " (" + (reason == null ? "" : reason) + (message == null || message.isBlank() ? "" : (reason == null ? "" : ": ")
                + KubeErrors.firstLine(message)) + ")";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while waiting for the agent container", e);
        }
    }
}
