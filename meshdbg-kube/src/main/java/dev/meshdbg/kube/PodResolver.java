package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds the pod and its sidecar from a target, the way kubectl would. */
public final class PodResolver {
    private final KubernetesClient client;
    private final String namespace;

    public PodResolver(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * @param target a pod or workload, or null when {@code podSelector} alone picks the pods
     * @param podSelector extra {@code key=value[,key=value]} labels the pod must carry, or null
     * @param chooser picks one of several ready pods (newest first); null takes the newest
     */
    public ResolvedTarget resolve(TargetRef target, String podSelector, String sidecarName,
                                  Function<List<Pod>, Pod> chooser) {
        Pod pod = target != null && !target.kind().workload() && podSelector == null
                ? getPod(target.name())
                : pick(candidates(target, podSelector), target, podSelector, chooser);
        return new ResolvedTarget(namespace, pod.getMetadata().getName(), pod.getSpec().getNodeName(),
                sidecar(pod, sidecarName), pod);
    }

    private Pod getPod(String name) {
        Pod pod = KubeErrors.call("get pod " + name + " in namespace " + namespace,
                () -> client.pods().inNamespace(namespace).withName(name).get());
        if (pod == null) {
            throw notFound("pod " + name);
        }
        return pod;
    }

    /** The pods a workload (or a selector) selects, ready ones first, newest first. */
    List<Pod> candidates(TargetRef target, String podSelector) {
        Map<String, String> labels = new LinkedHashMap<>();
        LabelSelector workloadSelector = target == null || !target.kind().workload() ? null : workloadSelector(target);
        if (podSelector != null) {
            labels.putAll(parseSelector(podSelector));
        }
        var pods = client.pods().inNamespace(namespace);
        var filtered = workloadSelector != null ? pods.withLabelSelector(workloadSelector) : pods;
        List<Pod> all = KubeErrors.call("list pods in namespace " + namespace,
                () -> (labels.isEmpty() ? filtered : filtered.withLabels(labels)).list().getItems());
        if (target != null && target.kind() == TargetRef.Kind.POD) {
            all = all.stream().filter(p -> p.getMetadata().getName().equals(target.name())).toList();
        }
        List<Pod> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing((Pod p) -> !ready(p))
                .thenComparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""),
                        Comparator.reverseOrder()));
        return sorted;
    }

    private Pod pick(List<Pod> pods, TargetRef target, String podSelector, Function<List<Pod>, Pod> chooser) {
        String what = target != null ? target.toString() : "selector " + podSelector;
        if (pods.isEmpty()) {
            if (target != null && !target.kind().workload()) {
                throw notFound("pod " + target.name() + " with labels " + podSelector);
            }
            throw MeshdbgException.badInput(what + " selects no pods in namespace " + namespace);
        }
        List<Pod> ready = pods.stream().filter(PodResolver::ready).toList();
        if (ready.isEmpty()) {
            throw MeshdbgException.badInput(what + " has no ready pod in namespace " + namespace + " ("
                    + pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.joining(", "))
                    + "); name one as pod/NAME");
        }
        return chooser == null || ready.size() == 1 ? ready.get(0) : chooser.apply(ready);
    }

    private LabelSelector workloadSelector(TargetRef target) {
        String action = "get " + target.kind().noun() + " " + target.name() + " in namespace " + namespace;
        var apps = client.apps();
        Object workload = KubeErrors.call(action, () -> switch (target.kind()) {
            case DEPLOYMENT -> apps.deployments().inNamespace(namespace).withName(target.name()).get();
            case STATEFULSET -> apps.statefulSets().inNamespace(namespace).withName(target.name()).get();
            case DAEMONSET -> apps.daemonSets().inNamespace(namespace).withName(target.name()).get();
            case POD -> throw new IllegalStateException();
        });
        if (workload == null) {
            throw notFound(target.kind().noun() + " " + target.name());
        }
        LabelSelector selector = switch (target.kind()) {
            case DEPLOYMENT -> ((io.fabric8.kubernetes.api.model.apps.Deployment) workload).getSpec().getSelector();
            case STATEFULSET -> ((io.fabric8.kubernetes.api.model.apps.StatefulSet) workload).getSpec().getSelector();
            case DAEMONSET -> ((io.fabric8.kubernetes.api.model.apps.DaemonSet) workload).getSpec().getSelector();
            case POD -> throw new IllegalStateException();
        };
        if (selector == null) {
            throw MeshdbgException.badInput(target + " has no pod selector");
        }
        return selector;
    }

    /** Not found: say whether the namespace itself is missing, the likelier typo. */
    private MeshdbgException notFound(String what) {
        boolean namespaceMissing;
        try {
            namespaceMissing = client.namespaces().withName(namespace).get() == null;
        } catch (RuntimeException e) {
            namespaceMissing = false; // not allowed to look: say what we know
        }
        return MeshdbgException.badInput(namespaceMissing
                ? "namespace " + namespace + " not found"
                : what + " not found in namespace " + namespace);
    }

    static Map<String, String> parseSelector(String selector) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : selector.split(",")) {
            String[] kv = part.trim().split("==?", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank() || kv[1].contains("!")) {
                throw MeshdbgException.badInput("--pod-selector '" + selector
                        + "': use key=value pairs separated by commas");
            }
            labels.put(kv[0].trim(), kv[1].trim());
        }
        return labels;
    }

    static boolean ready(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
                || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /** The named container, or a native sidecar of that name among the init containers. */
    static Sidecar sidecar(Pod pod, String name) {
        var spec = pod.getSpec();
        var status = pod.getStatus();
        for (Container c : spec.getContainers()) {
            if (c.getName().equals(name)) {
                return Sidecar.of(c, false, status(status == null ? null : status.getContainerStatuses(), name));
            }
        }
        for (Container c : spec.getInitContainers()) {
            if (c.getName().equals(name) && "Always".equals(c.getRestartPolicy())) {
                return Sidecar.of(c, true, status(status == null ? null : status.getInitContainerStatuses(), name));
            }
        }
        List<String> names = new ArrayList<>();
        spec.getContainers().forEach(c -> names.add(c.getName()));
        spec.getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy()))
                .forEach(c -> names.add(c.getName()));
        throw MeshdbgException.badInput("pod " + pod.getMetadata().getName() + " has no sidecar container '" + name
                + "' (containers: " + String.join(", ", names) + "); is it in the mesh? choose one with -c");
    }

    private static ContainerStatus status(List<ContainerStatus> statuses, String name) {
        if (statuses == null) {
            return null;
        }
        return statuses.stream().filter(s -> name.equals(s.getName())).findFirst().orElse(null);
    }
}
