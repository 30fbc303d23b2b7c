package dev.meshdbg.kube.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.FakeCluster;
import dev.meshdbg.kube.TargetRef;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
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
        assertThatThrownBy(() -> sidecar.planSet(TargetRef.parse("sts/db"), "reg/x:1", null, null))
                .hasMessage("statefulset db not found in namespace shop");
        assertThatThrownBy(() -> sidecar.planSet(WEB, "has space", null, null))
                .hasMessageStartingWith("--image must be an image reference");
        assertThatThrownBy(() -> new SidecarImage(cluster.client, "nope").planReset(WEB))
                .hasMessage("namespace nope not found");
    }

    /** Istio's injector ignores a proxyImage without a '/': refused before the cluster is even asked. */
    @Test
    void imageWithoutARegistryIsRefused() {
        int before = cluster.requests().size();
        assertThatThrownBy(() -> sidecar.planSet(WEB, "proxyv2:1.24-debug", null, null))
                .isInstanceOf(MeshdbgException.class)
                .hasMessage("--image proxyv2:1.24-debug has no registry: Istio ignores a sidecar.istio.io/proxyImage"
                        + " without a '/'; give a full reference such as REGISTRY/proxyv2:TAG")
                .extracting(e -> ((MeshdbgException) e).exitCode()).isEqualTo(2);
        assertThat(cluster.requests().subList(before, cluster.requests().size())).as("requests besides the test kubelet's")
                .filteredOn(r -> !r.equals("GET /api/v1/pods") && !r.endsWith("/status")).isEmpty();
    }

    @Test
    void onDeleteReplacesNoPodAndWaitReturnsAtOnce() {
        statefulSet(2, "OnDelete", null);
        var plan = sidecar.planSet(DB, "registry.test/proxyv2:debug", null, null);
        assertThat(plan.hold().all()).isTrue();
        assertThat(plan.hold().pods()).containsExactly("db-0", "db-1");
        assertThat(plan.hold().message()).isEqualTo("statefulset/db has updateStrategy OnDelete: no pod is replaced,"
                + " pods db-0, db-1 keep the old sidecar until deleted (`kubectl delete pod -n shop db-0 db-1`)");
        // No controller will ever report this rollout: a wait would run into its timeout instead.
        assertThat(sidecar.apply(DB, plan, Duration.ofMinutes(10))).as("waited").isFalse();
        assertThat(cluster.client.apps().statefulSets().withName("db").get().getSpec().getTemplate().getMetadata()
                .getAnnotations()).containsEntry(SidecarImage.PROXY_IMAGE, "registry.test/proxyv2:debug");
        // reset is held the same way
        assertThat(sidecar.planReset(DB).hold().all()).isTrue();
    }

    @Test
    void partitionAtOrAboveTheReplicasReplacesNoPod() {
        statefulSet(2, "RollingUpdate", 2);
        var plan = sidecar.planSet(DB, "registry.test/proxyv2:debug", null, null);
        assertThat(plan.hold().all()).isTrue();
        assertThat(plan.hold().message()).startsWith("statefulset/db has rollingUpdate.partition 2: no pod is replaced,"
                + " pods db-0, db-1 keep the old sidecar; lower the partition (`kubectl patch statefulset/db -n shop -p"
                + " '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}'`) or delete them");
        assertThat(sidecar.apply(DB, plan, Duration.ofMinutes(10))).isFalse();
    }

    @Test
    void aLowerPartitionRollsThePodsAboveItAndNamesTheOthers() {
        statefulSet(3, "RollingUpdate", 2);
        var plan = sidecar.planSet(DB, "registry.test/proxyv2:debug", null, null);
        assertThat(plan.hold().all()).isFalse();
        assertThat(plan.hold().pods()).containsExactly("db-0", "db-1");
        sidecar.apply(DB, plan, null);
        StatefulSet st = cluster.client.apps().statefulSets().withName("db").get();
        st.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(st.getMetadata().getGeneration())
                .withReplicas(3).withReadyReplicas(3).withUpdatedReplicas(1).withCurrentRevision("a").withUpdateRevision("b")
                .build());
        assertThat(Rollout.complete(st)).as("db-2 updated: the partitioned rollout is done").isTrue();
        st.getStatus().setUpdatedReplicas(0);
        assertThat(Rollout.complete(st)).isFalse();
    }

    @Test
    void pausedDeploymentReplacesNoPod() {
        cluster.client.apps().deployments().withName("web").edit(d -> new DeploymentBuilder(d).editSpec().withPaused(true)
                .endSpec().build());
        var plan = sidecar.planSet(WEB, "registry.test/proxyv2:debug", null, null);
        assertThat(plan.hold().all()).isTrue();
        assertThat(plan.hold().message()).isEqualTo("deployment/web is paused: no pod is replaced, pods web-1 keep the old"
                + " sidecar until `kubectl rollout resume deployment/web -n shop`");
        assertThat(sidecar.apply(WEB, plan, Duration.ofMinutes(10))).isFalse();
    }

    @Test
    void onDeleteDaemonSet() {
        cluster.client.apps().daemonSets().resource(new DaemonSetBuilder().withNewMetadata().withName("nodes").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "nodes").endSelector()
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "nodes").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("shop/nodes:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        var plan = sidecar.planSet(TargetRef.parse("ds/nodes"), "registry.test/proxyv2:debug", null, null);
        assertThat(plan.hold().all()).isTrue();
        assertThat(plan.hold().message()).startsWith("daemonset/nodes has updateStrategy OnDelete: no pod is replaced, its pods");
    }

    @Test
    void rollingUpdateHasNoHold() {
        statefulSet(2, "RollingUpdate", null);
        assertThat(sidecar.planSet(DB, "registry.test/proxyv2:debug", null, null).hold()).isNull();
        assertThat(sidecar.planSet(WEB, "registry.test/proxyv2:debug", null, null).hold()).isNull();
    }

    private static final TargetRef DB = TargetRef.parse("sts/db");

    /** StatefulSet {@code db} with its pods db-0.. (labelled app=db). */
    private void statefulSet(int replicas, String strategy, Integer partition) {
        var b = new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName("db")
                .withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withNewUpdateStrategy().withType(strategy).endUpdateStrategy()
                .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
                .withNewSpec().addNewContainer().withName("db").withImage("shop/db:1").endContainer().endSpec()
                .endTemplate().endSpec();
        if (partition != null) {
            b.editSpec().editUpdateStrategy().withNewRollingUpdate().withPartition(partition).endRollingUpdate()
                    .endUpdateStrategy().endSpec();
        }
        cluster.client.apps().statefulSets().resource(b.build()).create();
        for (int i = 0; i < replicas; i++) {
            cluster.addPod(new PodBuilder().withNewMetadata().withName("db-" + i).withNamespace(FakeCluster.NS)
                    .addToLabels("app", "db").endMetadata().withNewSpec().addNewContainer().withName("db")
                    .withImage("shop/db:1").endContainer().endSpec().build());
        }
    }
}
