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
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The proxy SHA of a pod's sidecar, through the API: {@code ISTIO_META_ISTIO_PROXY_SHA} in the
 * sidecar container's env (a plain value), else the version Envoy reports on its admin port
 * ({@code /server_info}, {@code <sha>/1.x.y/Clean/RELEASE/BoringSSL}), reached by a port-forward.
 * The stock proxyv2 image sets the variable in the image config, which the pod spec does not
 * show, so for a stock sidecar the admin port is what answers. The architecture comes from the
 * node's {@code kubernetes.io/arch} label.
 */
public final class PodShaLookup implements ShaLookup {
    /** Istio's bootstrap puts Envoy's admin on 127.0.0.1:15000 in the pod. */
    public static final int ISTIO_ADMIN_PORT = 15000;
    private static final String ARCH_LABEL = "kubernetes.io/arch";
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");
    private static final int ADMIN_MILLIS = 5000;

    private final KubernetesClient client;
    private final ResolvedTarget target;
    private final int adminPort;

    public PodShaLookup(KubernetesClient client, ResolvedTarget target, int adminPort) {
        this.client = client;
        this.target = target;
        this.adminPort = adminPort;
    }

    @Override
    public Optional<FoundSha> find(List<String> tried) {
        tried.add(LocalShaLookup.ENV + " in the spec of " + target.describe());
        Optional<FoundSha> fromSpec = fromSpec();
        if (fromSpec.isPresent()) {
            return fromSpec;
        }
        tried.add("/server_info on Envoy's admin port " + adminPort + " (port-forward)");
        try {
            return fromAdmin();
        } catch (IOException | RuntimeException e) {
            tried.add("(" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private Optional<FoundSha> fromAdmin() throws IOException {
        int local;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            local = probe.getLocalPort();
        }
        try (LocalPortForward forward = client.pods().inNamespace(target.namespace()).withName(target.podName())
                .portForward(adminPort, InetAddress.getLoopbackAddress(), local)) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + forward.getLocalPort() + "/server_info")
                    .toURL().openConnection();
            c.setConnectTimeout(ADMIN_MILLIS);
            c.setReadTimeout(ADMIN_MILLIS);
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
            Matcher m = VERSION.matcher(body);
            return m.find() ? ProxySha.tryParse(m.group(1)).map(sha -> new FoundSha(sha,
                    "Envoy's version " + m.group(1) + " (admin /server_info of " + target.namespace() + "/" + target.podName() + ")"))
                    : Optional.empty();
        }
    }

    private Optional<FoundSha> fromSpec() {
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
