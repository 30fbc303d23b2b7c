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

    /** Another writer changed the pod between our read and our patch: read it again and patch again. */
    @Test
    void aLostPatchRaceIsRetried() throws Exception {
        for (int i = 0; i < EphemeralAgent.CONFLICT_ATTEMPTS - 1; i++) {
            cluster.failNextEphemeralPatch(FakeApiDispatcher.status(409, "Operation cannot be fulfilled on pods \"web-1\":"
                    + " the object has been modified; please apply your changes to the latest version and try again"));
        }
        new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), recorder())
                .run(ctx -> SessionEndingTest.echo(ctx.endpoint(), "$g#67"));
        assertThat(cluster.requests()).filteredOn(r -> r.startsWith("PATCH") && r.endsWith("/ephemeralcontainers"))
                .hasSize(EphemeralAgent.CONFLICT_ATTEMPTS);
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getSpec().getEphemeralContainers()).hasSize(1);
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    @Test
    void aRaceLostEveryTimeIsAFailure() {
        for (int i = 0; i < EphemeralAgent.CONFLICT_ATTEMPTS; i++) {
            cluster.failNextEphemeralPatch(FakeApiDispatcher.status(409, "the object has been modified"));
        }
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.meshdbg.errors.MeshdbgException.class,
                () -> new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), recorder()).run(ctx -> {
                }));
        assertThat(e).hasMessage("pod shop/web-1 kept changing while the agent container was added ("
                + EphemeralAgent.CONFLICT_ATTEMPTS + " conflicts); try again");
        assertThat(e.exitCode()).isEqualTo(1);
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getSpec().getEphemeralContainers()).isEmpty();
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    /** The session annotation is a courtesy: without `patch pods` the session warns and runs unannotated. */
    @Test
    void withoutPatchPodsTheSessionWarnsAndRunsWithoutTheAnnotation() throws Exception {
        cluster.deny("patch pods shop");
        new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), recorder()).run(ctx -> {
            assertThat(cluster.annotatedPods()).isEmpty();
            SessionEndingTest.echo(ctx.endpoint(), "$g#67");
        });
        assertThat(events).contains("warning: not allowed to patch pods in namespace shop: the pod will not carry the"
                + " meshdbg.dev/session annotation, so others will not see this session; going on");
        assertThat(cluster.requests()).noneMatch(r -> r.equals("PATCH /api/v1/namespaces/shop/pods/web-1"));
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
