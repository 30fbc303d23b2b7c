package dev.meshdbg.kube.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.kube.FakeCluster;
import dev.meshdbg.kube.Labels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class CleanupTest {
    private static Pod nodePod(String name, String targetNamespace) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("meshdbg-system")
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).addToLabels(Labels.SESSION, name.substring(8))
                .addToLabels(Labels.TARGET_NAMESPACE, targetNamespace).endMetadata()
                .withNewSpec().addNewContainer().withName("agent").withImage("x").endContainer().endSpec().build();
    }

    @Test
    void removesWhatCrashedSessionsLeftAndListsRunningEphemeralAgents() {
        try (FakeCluster cluster = new FakeCluster()) {
            var client = cluster.client;
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshdbg-system").endMetadata()
                    .build()).create();
            client.pods().inNamespace("meshdbg-system").resource(nodePod("meshdbg-aaaaaa", "shop")).create();
            client.pods().inNamespace("meshdbg-system").resource(nodePod("meshdbg-bbbbbb", "other")).create();
            cluster.addPod(new PodBuilder(FakeCluster.meshedPod("web-9", "2026-01-01T00:00:00Z"))
                    .editMetadata().addToAnnotations(Labels.SESSION_ANNOTATION, "{\"id\":\"dead01\"}")
                    .addToAnnotations("keep", "me").endMetadata()
                    .editSpec().addNewEphemeralContainer().withName("meshdbg-dead01").withImage("x").endEphemeralContainer()
                    .endSpec()
                    .editStatus().addNewEphemeralContainerStatus().withName("meshdbg-dead01").withNewState().withNewRunning()
                    .endRunning().endState().endEphemeralContainerStatus().endStatus().build());

            Cleanup.Report shop = new Cleanup(client).run("shop", "meshdbg-system");
            assertThat(shop.deletedPods()).containsExactly("meshdbg-system/meshdbg-aaaaaa");
            assertThat(shop.clearedAnnotations()).containsExactly("shop/web-9");
            assertThat(shop.runningEphemeralAgents()).containsExactly("shop/web-9 meshdbg-dead01");
            assertThat(client.pods().withName("web-9").get().getMetadata().getAnnotations())
                    .doesNotContainKey(Labels.SESSION_ANNOTATION).containsEntry("keep", "me");

            Cleanup.Report all = new Cleanup(client).run(null, "meshdbg-system");
            assertThat(all.deletedPods()).containsExactly("meshdbg-system/meshdbg-bbbbbb");
            assertThat(all.clearedAnnotations()).isEmpty();
            assertThat(cluster.meshdbgPods()).isEmpty();

            Cleanup.Report again = new Cleanup(client).run(null, "meshdbg-system");
            assertThat(again.deletedPods()).isEmpty();
            assertThat(again.clearedAnnotations()).isEmpty();
        }
    }
}
