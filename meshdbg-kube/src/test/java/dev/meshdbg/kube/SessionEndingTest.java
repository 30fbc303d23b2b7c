package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way a session can end, in both modes; after each, nothing meshdbg created is left. */
class SessionEndingTest {
    private FakeCluster cluster;
    private EchoGuard guard;
    private final List<String> seen = new CopyOnWriteArrayList<>();

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

    private KubeSession session(Mode mode) {
        AttachOptions o = AttachOptions.of(TargetRef.parse("deploy/web")).withMode(mode)
                .withStartTimeout(Duration.ofSeconds(20));
        return new KubeSession(cluster.client, o, new SessionListener() {
            @Override
            public void forwardDropped(String why) {
                seen.add("dropped");
            }

            @Override
            public void ended(String reason) {
                seen.add("ended: " + reason);
            }
        });
    }

    private void assertNothingLeft() {
        assertThat(cluster.annotatedPods()).as("session annotations").isEmpty();
        assertThat(cluster.meshdbgPods()).as("node agent pods").isEmpty();
        assertThat(seen).contains("ended: session ended; nothing left behind");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientExits(Mode mode) throws Exception {
        session(mode).run(ctx -> echo(ctx.endpoint(), "$g#67"));
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientStepFails(Mode mode) {
        assertThatThrownBy(() -> session(mode).run(ctx -> {
            throw new IllegalStateException("debugger crashed");
        })).hasMessage("debugger crashed");
        assertNothingLeft();
    }

    /** Ctrl-C and SIGTERM run the shutdown hook, which closes the session from another thread. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void interruptedFromAnotherThread(Mode mode) throws Exception {
        KubeSession session = session(mode);
        CountDownLatch forwarding = new CountDownLatch(1);
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                session.run(ctx -> {
                    forwarding.countDown();
                    SessionHandler.waitForEnd().run(ctx);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(forwarding.await(30, TimeUnit.SECONDS)).isTrue();
        session.close();
        running.get(30, TimeUnit.SECONDS);
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void agentEndsByItself(Mode mode) throws Exception {
        session(mode).run(ctx -> {
            cluster.agent().exitCode = 0; // e.g. its idle timeout: the container terminates
            assertThat(ctx.ended().get(30, TimeUnit.SECONDS)).contains("exited");
        });
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void agentReportsAnError(Mode mode) {
        cluster.agent(FakeAgent.failingWith("BAD_INPUT", "no process named envoy in this PID namespace"));
        assertThatThrownBy(() -> session(mode).run(ctx -> {
        })).isInstanceOf(MeshdbgException.class)
                .hasMessage("agent: no process named envoy in this PID namespace")
                .extracting(e -> ((MeshdbgException) e).exitCode()).isEqualTo(2);
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void imagePullFails(Mode mode) {
        cluster.agent(FakeAgent.waiting("ImagePullBackOff", "Back-off pulling image \"registry.test/proxyv2:1.24-debug\""));
        assertThatThrownBy(() -> session(mode).run(ctx -> {
        })).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("cannot pull the agent image registry.test/proxyv2:1.24-debug on node node-1 (pod "
                        + (mode == Mode.EPHEMERAL ? "shop/web-1" : "meshdbg-system/meshdbg-"))
                .hasMessageContaining("(ImagePullBackOff: Back-off pulling image")
                .hasMessageContaining("--image")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertNothingLeft();
    }

    /** A launcher missing from the image: the runtime's message, at once, not the start timeout. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void agentCannotStart(Mode mode) {
        String runtime = "failed to create containerd task: failed to create shim task: OCI runtime create failed:"
                + " exec: \"/opt/meshdbg/bin/meshdbg-agent\": stat /opt/meshdbg/bin/meshdbg-agent: no such file or directory";
        cluster.agent(FakeAgent.failingToStart("StartError", runtime));
        assertThatThrownBy(() -> session(mode).run(ctx -> {
        })).isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("the agent container " + (mode == Mode.EPHEMERAL ? "meshdbg-"
                        : "agent in pod meshdbg-system/meshdbg-"))
                .hasMessageContaining(" on node node-1 could not start (StartError: " + runtime + "): does image"
                        + " registry.test/proxyv2:1.24-debug hold /opt/meshdbg/bin/meshdbg-agent (--agent-command)?");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void containerCannotBeCreated(Mode mode) {
        cluster.agent(FakeAgent.waiting("CreateContainerError", "failed to generate container spec: no command specified"));
        assertThatThrownBy(() -> session(mode).run(ctx -> {
        })).hasMessageContaining("could not start (CreateContainerError: failed to generate container spec:"
                + " no command specified): does image registry.test/proxyv2:1.24-debug hold");
        assertNothingLeft();
        cluster.agent(FakeAgent.waiting("RunContainerError", "context deadline exceeded"));
        assertThatThrownBy(() -> session(mode).run(ctx -> {
        })).hasMessageContaining("could not start (RunContainerError: context deadline exceeded)");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void agentNeverReadyTimesOut(Mode mode) {
        FakeAgent silent = new FakeAgent();
        silent.log.add("{\"event\":\"resolved\",\"hostPid\":1}");
        cluster.agent(silent);
        AttachOptions o = AttachOptions.of(TargetRef.parse("web-1")).withMode(mode).withStartTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> new KubeSession(cluster.client, o, new SessionListener() {
            @Override
            public void ended(String reason) {
                seen.add("ended: " + reason);
            }
        }).run(ctx -> {
        })).hasMessageStartingWith("timed out after 2s waiting for the agent to be ready");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void containerNeverStartsTimesOut(Mode mode) {
        cluster.agent(FakeAgent.waiting("ContainerCreating", null));
        AttachOptions o = AttachOptions.of(TargetRef.parse("web-1")).withMode(mode).withStartTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new KubeSession(cluster.client, o, new SessionListener() {
            @Override
            public void ended(String reason) {
                seen.add("ended: " + reason);
            }
        }).run(ctx -> {
        })).hasMessageStartingWith("timed out after 1s waiting for the agent container")
                .hasMessageContaining("ContainerCreating");
        assertNothingLeft();
    }

    /** A dropped forward ends that connection only: the debugger connects again to the same local port. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void forwardDropsAndTheDebuggerReconnects(Mode mode) throws Exception {
        session(mode).run(ctx -> {
            try (Socket s = new Socket(ctx.endpoint().host(), ctx.endpoint().port())) {
                roundTrip(s, "$?#3f");
                cluster.relay().dropAll();
                assertThat(s.getInputStream().read()).as("the dropped connection ends").isEqualTo(-1);
            }
            echo(ctx.endpoint(), "$c#63");
            assertThat(guard.connections.get()).isEqualTo(2);
        });
        assertNothingLeft();
    }

    static void echo(LocalEndpoint endpoint, String packet) throws Exception {
        try (Socket s = new Socket(endpoint.host(), endpoint.port())) {
            roundTrip(s, packet);
        }
    }

    static void roundTrip(Socket s, String packet) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(packet.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        assertThat(new String(in.readNBytes(packet.length()), StandardCharsets.US_ASCII)).isEqualTo(packet);
    }
}
