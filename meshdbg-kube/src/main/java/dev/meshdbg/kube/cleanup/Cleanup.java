package dev.meshdbg.kube.cleanup;

import dev.meshdbg.kube.KubeErrors;
import dev.meshdbg.kube.Labels;
import dev.meshdbg.kube.SessionAnnotations;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what crashed sessions left: node agent pods and session annotations. Ephemeral containers
 * can never be removed from a pod; those whose agent still runs are listed (they exit on idle timeout).
 * It cannot tell a crashed session from one still running elsewhere, and removes both.
 */
public final class Cleanup {
    /** What was found and done; every entry is {@code namespace/pod} or {@code namespace/pod container}. */
    public record Report(List<String> deletedPods, List<String> clearedAnnotations, List<String> runningEphemeralAgents) {
        public boolean empty() {
            return deletedPods.isEmpty() && clearedAnnotations.isEmpty() && runningEphemeralAgents.isEmpty();
        }
    }

    private final KubernetesClient client;

    public Cleanup(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param namespace the target namespace to clean, or null for every namespace ({@code -A})
     * @param agentNamespace where node agent pods live
     */
    public Report run(String namespace, String agentNamespace) {
        List<String> deleted = new ArrayList<>();
        var nodePods = client.pods().inNamespace(agentNamespace).withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        List<Pod> leftovers = KubeErrors.call("list meshdbg pods in namespace " + agentNamespace,
                () -> (namespace == null ? nodePods : nodePods.withLabel(Labels.TARGET_NAMESPACE, namespace)).list().getItems());
        for (Pod p : leftovers) {
            String name = p.getMetadata().getName();
            KubeErrors.run("delete pod " + agentNamespace + "/" + name,
                    () -> client.pods().inNamespace(agentNamespace).withName(name).withGracePeriod(10).delete());
            deleted.add(agentNamespace + "/" + name);
        }

        List<String> cleared = new ArrayList<>();
        List<String> running = new ArrayList<>();
        List<Pod> pods = KubeErrors.call("list pods" + (namespace == null ? " in all namespaces" : " in namespace " + namespace),
                () -> (namespace == null ? client.pods().inAnyNamespace().list() : client.pods().inNamespace(namespace).list())
                        .getItems());
        SessionAnnotations annotations = new SessionAnnotations(client);
        for (Pod p : pods) {
            String ns = p.getMetadata().getNamespace();
            String name = p.getMetadata().getName();
            var a = p.getMetadata().getAnnotations();
            if (a != null && a.containsKey(Labels.SESSION_ANNOTATION) && annotations.remove(ns, name, null)) {
                cleared.add(ns + "/" + name);
            }
            if (p.getStatus() != null && p.getStatus().getEphemeralContainerStatuses() != null) {
                for (ContainerStatus s : p.getStatus().getEphemeralContainerStatuses()) {
                    if (s.getName().startsWith(Labels.NAME_PREFIX) && s.getState() != null && s.getState().getRunning() != null) {
                        running.add(ns + "/" + name + " " + s.getName());
                    }
                }
            }
        }
        return new Report(deleted, cleared, running);
    }
}
