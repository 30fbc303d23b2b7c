package dev.meshdbg.kube.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.kube.FakeCluster;
import dev.meshdbg.kube.TargetRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SidecarImageTest {
    private static final TargetRef WEB = TargetRef.parse("deploy/web");
    private FakeCluster cluster;
    private SidecarImage sidecar;

    @BeforeEach
    void start() {
        cluster = new FakeCluster();
        sidecar = new SidecarImage(cluster.client, FakeCluster.NS);
        // A workload that already pins a proxy memory: reset must bring exactly that back.
        cluster.client.apps().deployments().withName("web").edit(d -> new DeploymentBuilder(d).editSpec().editTemplate()
                .editMetadata().addToAnnotations(SidecarImage.PROXY_MEMORY, "128Mi").addToAnnotations("team", "shop")
                .endMetadata().endTemplate().endSpec().build());
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Map<String, String> annotations() {
        Deployment d = cluster.client.apps().deployments().withName("web").get();
        return d.getSpec().getTemplate().getMetadata().getAnnotations();
    }

    @Test
    void setThenResetRestoresExactlyWhatWasThere() {
        var set = sidecar.planSet(WEB, "registry.test/proxyv2:1.24-debug", "512Mi", "4Gi");
        assertThat(set.changes()).isTrue();
        sidecar.apply(WEB, set, null);
        assertThat(annotations()).containsEntry(SidecarImage.PROXY_IMAGE, "registry.test/proxyv2:1.24-debug")
                .containsEntry(SidecarImage.PROXY_MEMORY, "512Mi").containsEntry(SidecarImage.PROXY_MEMORY_LIMIT, "4Gi")
                .containsEntry("team", "shop").containsKey(SidecarImage.PREVIOUS);

        // Idempotent: the same request again changes nothing.
        assertThat(sidecar.planSet(WEB, "registry.test/proxyv2:1.24-debug", "512Mi", "4Gi").changes()).isFalse();
        // A second, different set-image keeps the original values for reset.
        sidecar.apply(WEB, sidecar.planSet(WEB, "registry.test/proxyv2:1.25-debug", null, null), null);

        var reset = sidecar.planReset(WEB);
        assertThat(reset.after()).isEqualTo(Map.of(SidecarImage.PROXY_MEMORY, "128Mi"));
        sidecar.apply(WEB, reset, null);
        assertThat(annotations()).isEqualTo(Map.of(SidecarImage.PROXY_MEMORY, "128Mi", "team", "shop"));
        assertThat(sidecar.planReset(WEB).changes()).as("reset twice is a no-op").isFalse();
    }

    @Test
    void dryRunPlansAMergePatchAndChangesNothing() {
        var plan = sidecar.planSet(WEB, "registry.test/proxyv2:debug", null, "2Gi");
        assertThat(plan.patch()).startsWith("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{")
                .contains("\"sidecar.istio.io/proxyImage\":\"registry.test/proxyv2:debug\"")
                .contains("\"sidecar.istio.io/proxyMemoryLimit\":\"2Gi\"")
                .doesNotContain("proxyMemory\":");
        assertThat(annotations()).doesNotContainKey(SidecarImage.PROXY_IMAGE);
    }

    @Test
    void waitsForTheRollout() throws Exception {
        var plan = sidecar.planSet(WEB, "registry.test/proxyv2:debug", null, null);
        CompletableFuture<Void> controller = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            Deployment d = cluster.client.apps().deployments().withName("web").get();
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(1).withUpdatedReplicas(1).withAvailableReplicas(1).build());
            cluster.client.apps().deployments().resource(d).updateStatus();
        });
        sidecar.apply(WEB, plan, Duration.ofSeconds(30));
        controller.get();
        assertThat(Rollout.complete(cluster.client.apps().deployments().withName("web").get())).isTrue();
    }

    @Test
    void rolloutTimeoutIsClear() {
        var plan = sidecar.planSet(WEB, "registry.test/proxyv2:debug", null, null);
        assertThatThrownBy(() -> sidecar.apply(WEB, plan, Duration.ofSeconds(1)))
                .hasMessageStartingWith("timed out after 1s waiting for the rollout of deployment/web in namespace shop");
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> sidecar.planSet(TargetRef.parse("sts/db"), "x:1", null, null))
                .hasMessage("statefulset db not found in namespace shop");
        assertThatThrownBy(() -> sidecar.planSet(WEB, "has space", null, null))
                .hasMessageStartingWith("--image must be an image reference");
        assertThatThrownBy(() -> new SidecarImage(cluster.client, "nope").planReset(WEB))
                .hasMessage("namespace nope not found");
    }
}
