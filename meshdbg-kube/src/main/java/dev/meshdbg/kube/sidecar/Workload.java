package dev.meshdbg.kube.sidecar;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.KubeErrors;
import dev.meshdbg.kube.TargetRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

/** A Deployment, StatefulSet or DaemonSet, seen through what the sidecar commands need: its pod template. */
final class Workload {
    private final KubernetesClient client;
    private final String namespace;
    private final TargetRef ref;

    Workload(KubernetesClient client, String namespace, TargetRef ref) {
        this.client = client;
        this.namespace = namespace;
        this.ref = ref;
    }

    TargetRef ref() {
        return ref;
    }

    String namespace() {
        return namespace;
    }

    /** The names of the workload's pods (by its selector's labels); empty when they cannot be listed. */
    List<String> podNames(HasMetadata w) {
        try {
            LabelSelector selector = w instanceof Deployment d ? d.getSpec().getSelector()
                    : w instanceof StatefulSet s ? s.getSpec().getSelector() : ((DaemonSet) w).getSpec().getSelector();
            if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
                return List.of();
            }
            return client.pods().inNamespace(namespace).withLabels(selector.getMatchLabels()).list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).sorted().toList();
        } catch (RuntimeException e) {
            return List.of(); // only for naming the pods in a note: not worth failing over
        }
    }

    String describe() {
        return ref + " in namespace " + namespace;
    }

    HasMetadata get() {
        HasMetadata w = KubeErrors.call("get " + describe(), () -> resource().get());
        if (w == null) {
            boolean namespaceMissing;
            try {
                namespaceMissing = client.namespaces().withName(namespace).get() == null;
            } catch (RuntimeException e) {
                namespaceMissing = false;
            }
            throw MeshdbgException.badInput(namespaceMissing ? "namespace " + namespace + " not found"
                    : ref.kind().noun() + " " + ref.name() + " not found in namespace " + namespace);
        }
        return w;
    }

    /** The pod template's annotations (never null). */
    static Map<String, String> templateAnnotations(HasMetadata w) {
        PodTemplateSpec t = template(w);
        if (t == null || t.getMetadata() == null || t.getMetadata().getAnnotations() == null) {
            return Map.of();
        }
        return t.getMetadata().getAnnotations();
    }

    static PodTemplateSpec template(HasMetadata w) {
        if (w instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (w instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        return ((DaemonSet) w).getSpec().getTemplate();
    }

    void mergePatch(String json) {
        KubeErrors.run("patch " + describe(), () -> resource().patch(PatchContext.of(PatchType.JSON_MERGE), json));
    }

    @SuppressWarnings("unchecked")
    private Resource<HasMetadata> resource() {
        var apps = client.apps();
        Resource<?> r = switch (ref.kind()) {
            case DEPLOYMENT -> apps.deployments().inNamespace(namespace).withName(ref.name());
            case STATEFULSET -> apps.statefulSets().inNamespace(namespace).withName(ref.name());
            case DAEMONSET -> apps.daemonSets().inNamespace(namespace).withName(ref.name());
            case POD -> throw MeshdbgException.badInput("a pod is not a workload: use deploy/, sts/ or ds/");
        };
        return (Resource<HasMetadata>) r;
    }
}
