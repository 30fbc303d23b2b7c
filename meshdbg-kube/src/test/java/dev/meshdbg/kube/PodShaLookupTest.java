package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.meshdbg.symbols.fetch.FoundSha;
import dev.meshdbg.symbols.fetch.ProxySha;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sidecar's proxy SHA through the API: the pod spec's env first, else Envoy's admin /server_info over a port-forward. */
class PodShaLookupTest {
    static final String SHA = "af5e0ef2c1473f0f4e61f78adf81c85ff6389f87";
    private FakeCluster cluster;

    @BeforeEach
    void start() {
        cluster = new FakeCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ResolvedTarget resolve(String pod) {
        return new PodResolver(cluster.client, FakeCluster.NS).resolve(TargetRef.parse(pod), null, "istio-proxy", null);
    }

    @Test
    void theSpecsEnvironmentWins() throws Exception {
        PodBuilder b = FakeCluster.meshedPodBuilder("web-env", "2026-01-01T11:00:00Z");
        Pod pod = b.editSpec().editMatchingContainer(c -> c.getName().equals("istio-proxy"))
                .addNewEnv().withName("ISTIO_META_ISTIO_PROXY_SHA").withValue("istio-proxy:" + SHA).endEnv()
                .endContainer().withNodeSelector(java.util.Map.of("kubernetes.io/arch", "arm64")).endSpec().build();
        cluster.addPod(pod);
        PodShaLookup lookup = new PodShaLookup(cluster.client, resolve("web-env"), closedPort());
        List<String> tried = new ArrayList<>();
        assertThat(lookup.find(tried)).contains(new FoundSha(new ProxySha(SHA), "ISTIO_META_ISTIO_PROXY_SHA of shop/web-env"));
        assertThat(tried).hasSize(1);
        assertThat(lookup.arch()).isEqualTo("arm64");
    }

    @Test
    void aStockSidecarAnswersOnItsAdminPort() throws Exception {
        HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        admin.createContext("/server_info", ex -> {
            byte[] body = ("{\n \"version\": \"" + SHA + "/1.31.2/Clean/RELEASE/BoringSSL\",\n \"state\": \"LIVE\"\n}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        admin.start();
        try {
            PodShaLookup lookup = new PodShaLookup(cluster.client, resolve(FakeCluster.POD), admin.getAddress().getPort());
            List<String> tried = new ArrayList<>();
            Optional<FoundSha> found = lookup.find(tried);
            assertThat(found.map(FoundSha::sha)).contains(new ProxySha(SHA));
            assertThat(found.orElseThrow().from()).startsWith("Envoy's version " + SHA + "/1.31.2/Clean/RELEASE/BoringSSL");
            assertThat(tried).hasSize(2);
        } finally {
            admin.stop(0);
        }
    }

    @Test
    void nothingAnsweringIsNoSha_andSaysWhatWasTried() throws Exception {
        PodShaLookup lookup = new PodShaLookup(cluster.client, resolve(FakeCluster.POD), closedPort());
        List<String> tried = new ArrayList<>();
        assertThat(lookup.find(tried)).isEmpty();
        assertThat(String.join(", ", tried)).contains("ISTIO_META_ISTIO_PROXY_SHA in the spec of shop/web-1")
                .contains("/server_info on Envoy's admin port");
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
