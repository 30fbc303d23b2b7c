package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NodeAgentTest {
    @Test
    void privilegedHostPidPodPinnedToTheNodeAndDeletedAfterwards() throws Exception {
        try (FakeCluster cluster = new FakeCluster(); EchoGuard guard = new EchoGuard()) {
            cluster.agent(FakeAgent.readyOn(guard.port()));
            AgentCommand agent = new AgentCommand("/custom/agent", "lldb", 7777, Duration.ofSeconds(30),
                    Duration.ofMinutes(5), "envoy");
            AttachOptions o = AttachOptions.of(TargetRef.parse("web-1")).withMode(Mode.NODE).withAgent(agent)
                    .withImage("registry.test/meshdbg-agent:1");
            AtomicReference<Pod> during = new AtomicReference<>();
            AtomicReference<String> annotation = new AtomicReference<>();
            new KubeSession(cluster.client, o, new SessionListener() {
            }).run(ctx -> {
                during.set(cluster.meshdbgPods().get(0));
                annotation.set(cluster.client.pods().withName("web-1").get().getMetadata().getAnnotations()
                        .get(Labels.SESSION_ANNOTATION));
                SessionEndingTest.echo(ctx.endpoint(), "$g#67");
            });

            Pod pod = during.get();
            assertThat(pod.getMetadata().getNamespace()).isEqualTo("meshdbg-system");
            assertThat(pod.getMetadata().getName()).matches("meshdbg-[a-z0-9]{6}");
            assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "meshdbg")
                    .containsEntry("meshdbg.dev/target-namespace", "shop")
                    .containsKey("meshdbg.dev/session")
                    .containsEntry("sidecar.istio.io/inject", "false");
            assertThat(pod.getMetadata().getAnnotations()).containsEntry("sidecar.istio.io/inject", "false");
            var spec = pod.getSpec();
            assertThat(spec.getNodeName()).isEqualTo("node-1");
            assertThat(spec.getHostPID()).isTrue();
            assertThat(spec.getHostNetwork()).as("the guard stays in the pod's own network namespace").isNull();
            assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(4 * 3600L);
            assertThat(spec.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
            var c = spec.getContainers().get(0);
            assertThat(c.getImage()).isEqualTo("registry.test/meshdbg-agent:1");
            assertThat(c.getSecurityContext().getPrivileged()).isTrue();
            assertThat(c.getCommand()).containsExactly("/custom/agent");
            assertThat(c.getArgs()).containsExactly("--debugger", "lldb", "--port", "7777", "--max-pause", "30s",
                    "--idle-timeout", "300s", "--container", FakeCluster.CONTAINER_ID);

            Namespace ns = cluster.client.namespaces().withName("meshdbg-system").get();
            assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "privileged");
            assertThat(annotation.get()).contains("\"mode\":\"node\"").contains("\"user\":").contains("\"since\":");
            assertThat(cluster.meshdbgPods()).isEmpty();
            assertThat(cluster.annotatedPods()).isEmpty();
        }
    }
}
