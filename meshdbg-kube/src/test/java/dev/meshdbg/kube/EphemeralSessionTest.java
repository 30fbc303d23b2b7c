package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EphemeralSessionTest {
    private FakeCluster cluster;
    private EchoGuard guard;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster();
        guard = new EchoGuard();
        cluster.agent(FakeAgent.readyOn(guard.port()));
    }

    @AfterEach
    void stop() throws Exception {
        guard.close();
        cluster.close();
    }

    @Test
    void bytesFlowThroughTheForwardAndTheSessionLeavesNothingBehind() throws Exception {
        KubeSession session = new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), recorder());
        session.run(ctx -> {
            assertThat(ctx.endpoint().host()).isEqualTo("127.0.0.1");
            assertThat(ctx.ready().port()).isEqualTo(guard.port());
            assertThat(cluster.annotatedPods()).hasSize(1);
            try (Socket s = new Socket(ctx.endpoint().host(), ctx.endpoint().port())) {
                OutputStream out = s.getOutputStream();
                out.write("$qSupported#37".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] back = in.readNBytes(14);
                assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("$qSupported#37");
            }
        });
        assertThat(events).contains("ready");
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.meshdbgPods()).isEmpty();
        var pod = cluster.client.pods().withName(FakeCluster.POD).get();
        var ec = pod.getSpec().getEphemeralContainers().get(0);
        assertThat(ec.getName()).startsWith("meshdbg-");
        assertThat(ec.getTargetContainerName()).isEqualTo("istio-proxy");
        assertThat(ec.getSecurityContext().getCapabilities().getAdd()).containsExactly("SYS_PTRACE");
        assertThat(ec.getCommand()).containsExactly("/opt/meshdbg/bin/meshdbg-agent");
        assertThat(ec.getArgs()).containsSubsequence("--name", "envoy");
        assertThat(ec.getImage()).isEqualTo("registry.test/proxyv2:1.24-debug");
    }

    private SessionListener recorder() {
        return new SessionListener() {
            @Override
            public void agentEvent(AgentEvent event) {
                events.add(event.name());
            }

            @Override
            public void warning(String message) {
                events.add("warning: " + message);
            }
        };
    }
}
