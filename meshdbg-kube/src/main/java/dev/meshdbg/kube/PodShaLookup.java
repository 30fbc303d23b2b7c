package dev.meshdbg.kube;

import dev.meshdbg.symbols.fetch.FoundSha;
import dev.meshdbg.symbols.fetch.LocalShaLookup;
import dev.meshdbg.symbols.fetch.ProxySha;
import dev.meshdbg.symbols.fetch.ShaLookup;
import dev.meshdbg.symbols.fetch.SymbolArtifacts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The proxy SHA of a pod's sidecar as the API shows it: {@code ISTIO_META_ISTIO_PROXY_SHA} in the
 * sidecar container's env (a plain value). The stock proxyv2 image sets it in the image config,
 * which the pod spec does not show; a mesh that also sets it in the injection template makes it
 * visible here. The architecture comes from the node's {@code kubernetes.io/arch} label.
 */
public final class PodShaLookup implements ShaLookup {
    private static final String ARCH_LABEL = "kubernetes.io/arch";

    private final KubernetesClient client;
    private final ResolvedTarget target;

    public PodShaLookup(KubernetesClient client, ResolvedTarget target) {
        this.client = client;
        this.target = target;
    }

    @Override
    public Optional<FoundSha> find(List<String> tried) {
        tried.add(LocalShaLookup.ENV + " in the spec of " + target.describe()
                + " (stock images set it in the image, which the API does not show)");
        return containers(target.pod())
                .filter(c -> c.getName().equals(target.sidecar().name()))
                .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                .filter(e -> LocalShaLookup.ENV.equals(e.getName()))
                .map(EnvVar::getValue)
                .map(ProxySha::tryParse)
                .flatMap(Optional::stream)
                .findFirst()
                .map(sha -> new FoundSha(sha, LocalShaLookup.ENV + " of " + target.namespace() + "/" + target.podName()));
    }

    @Override
    public String arch() {
        Map<String, String> selector = target.pod().getSpec().getNodeSelector();
        if (selector != null && selector.containsKey(ARCH_LABEL)) {
            return SymbolArtifacts.arch(selector.get(ARCH_LABEL));
        }
        if (target.nodeName() != null) {
            try {
                Node node = client.nodes().withName(target.nodeName()).get();
                if (node != null && node.getMetadata().getLabels() != null) {
                    return SymbolArtifacts.arch(node.getMetadata().getLabels().getOrDefault(ARCH_LABEL, "amd64"));
                }
            } catch (KubernetesClientException noAccess) {
                // reading nodes is not needed for anything else: assume the common case
            }
        }
        return "amd64";
    }

    private static Stream<Container> containers(Pod pod) {
        var spec = pod.getSpec();
        return Stream.concat(spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
                spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream());
    }
}
