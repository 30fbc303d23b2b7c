package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code stacks deploy/NAME} against the mock API server: every ready replica, the agent in --stacks mode, nothing left. */
class StacksSessionTest {
    private FakeCluster cluster;

    @BeforeEach
    void start() {
        cluster = new FakeCluster();
        cluster.addPod(FakeCluster.meshedPod("web-2", "2026-01-01T11:00:00Z"));
        cluster.addPod(FakeCluster.meshedPodBuilder("web-3", "2026-01-01T12:00:00Z").editStatus().editFirstCondition()
                .withStatus("False").endCondition().endStatus().build());
        FakeAgent agent = new FakeAgent();
        agent.log.add("{\"event\":\"resolved\",\"hostPid\":4242,\"innerPid\":17,\"exe\":\"/usr/local/bin/envoy\"}");
        agent.log.add("{\"event\":\"stacks\",\"hostPid\":4242,\"innerPid\":17,\"exe\":\"/usr/local/bin/envoy\","
                + "\"server\":\"gdbserver\",\"pauseMicros\":1234,\"threads\":[{\"tid\":17,\"name\":\"envoy\",\"frames\":[]}]}");
        agent.log.add("{\"event\":\"done\",\"reason\":\"captured\"}");
        agent.exitCode = 0;
        cluster.agent(agent);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void everyReadyReplicaIsCapturedAndNothingIsLeft() {
        AgentCommand agent = AgentCommand.defaults().withModeArgs(List.of("--stacks", "--stack-bytes", "4096"));
        AttachOptions options = AttachOptions.of(TargetRef.parse("deploy/web")).withAgent(agent);
        List<StacksSession.PodStacks> results = new StacksSession(cluster.client, options, new SessionListener() { }).run();

        assertThat(results).extracting(r -> r.target().podName()).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.error()).isNull();
            assertThat(r.stacks().path("pauseMicros").asLong()).isEqualTo(1234);
        });
        for (String pod : List.of("web-1", "web-2")) {
            var ec = cluster.client.pods().withName(pod).get().getSpec().getEphemeralContainers().get(0);
            assertThat(ec.getArgs()).startsWith("--stacks", "--stack-bytes", "4096").containsSubsequence("--name", "envoy");
        }
        assertThat(cluster.client.pods().withName("web-3").get().getSpec().getEphemeralContainers()).isNullOrEmpty();
        assertThat(cluster.annotatedPods()).isEmpty();
    }
}
