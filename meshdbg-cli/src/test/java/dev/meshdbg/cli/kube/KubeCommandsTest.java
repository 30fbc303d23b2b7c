package dev.meshdbg.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import dev.meshdbg.kube.EchoGuard;
import dev.meshdbg.kube.FakeAgent;
import dev.meshdbg.kube.FakeCluster;
import dev.meshdbg.kube.LocalEndpoint;
import dev.meshdbg.kube.SessionHandler;
import dev.meshdbg.kube.sidecar.SidecarImage;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeCommandsTest {
    @TempDir
    Path dir;
    private FakeCluster cluster;
    private EchoGuard guard;
    private String kubeconfig;

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster();
        guard = new EchoGuard();
        cluster.agent(FakeAgent.readyOn(guard.port()));
        kubeconfig = cluster.writeKubeconfig(dir).toString();
    }

    @AfterEach
    void stop() throws Exception {
        KubeAttachCommand.clientSteps = ClientStep.builtIn();
        guard.close();
        cluster.close();
    }

    @Test
    void attachPrintsJsonEventsAndTheClientStepGetsALoopbackAddress() {
        List<LocalEndpoint> seen = new ArrayList<>();
        KubeAttachCommand.clientSteps = request -> {
            assertThat(request.debugger()).isEqualTo("gdb");
            return (SessionHandler) ctx -> {
                seen.add(ctx.endpoint());
                try (Socket s = new Socket(ctx.endpoint().host(), ctx.endpoint().port())) {
                    OutputStream out = s.getOutputStream();
                    out.write("$qC#b4".getBytes());
                    InputStream in = s.getInputStream();
                    assertThat(new String(in.readNBytes(6))).isEqualTo("$qC#b4");
                }
            };
        };
        CliRun run = CliRun.of("attach", "deploy/web", "--kubeconfig", kubeconfig, "--context", "mock",
                "--max-pause", "30s", "--image", FakeCluster.AGENT_IMAGE, "-o", "json");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        List<String> events = run.out().lines().map(KubeCommandsTest::event).toList();
        assertThat(events).containsSubsequence("resolved", "traffic", "step", "resolved", "ready", "done");
        JsonNode ready = run.out().lines().map(KubeCommandsTest::json).filter(j -> j.path("event").asText().equals("ready")
                && !j.has("source")).findFirst().orElseThrow();
        assertThat(ready.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(ready.path("port").asInt()).isEqualTo(seen.get(0).port());
        assertThat(ready.path("remotePort").asInt()).isEqualTo(guard.port());
        assertThat(ready.path("buildId").asText()).isEqualTo("abcdef0123");
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getSpec().getEphemeralContainers().get(0).getArgs())
                .containsSubsequence("--max-pause", "30s");
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    @Test
    void textOutputSaysHowToConnectWritesTheCommandFileAndWarnsAboutTraffic() throws Exception {
        Path out = dir.resolve("configs");
        java.util.concurrent.CompletableFuture<CliRun> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig, "--out", out.toString(), "--agent-command", "/a",
                        "--image", FakeCluster.AGENT_IMAGE, "--non-stop"));
        // --client none waits for Ctrl-C or the agent's end: end the agent once the command file is there.
        Path gdbFile = out.resolve("pod-web-1.gdb");
        for (int i = 0; i < 300 && !java.nio.file.Files.exists(gdbFile); i++) {
            Thread.sleep(100);
        }
        cluster.agent().exitCode = 0;
        CliRun done = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.out()).contains("target: pod shop/web-1 container istio-proxy on node node-1")
                .contains("note: Readiness probe: HTTP GET /healthz/ready on port 15021 every 2s, timeout 3s, 30 failures")
                .contains("(gdb) target remote 127.0.0.1:")
                .contains(" -x " + gdbFile)
                .contains("session ended; nothing left behind");
        assertThat(java.nio.file.Files.readString(gdbFile)).containsPattern("(?s)\nset non-stop on\n.*\ntarget remote 127.0.0.1:");
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getSpec().getEphemeralContainers().get(0)
                .getCommand()).containsExactly("/a");
    }

    @Test
    void aSidecarImageWhoseLabelsCannotBeReadIsRefusedBeforeAnyChange() {
        // Without --image the sidecar's own image must carry the agent, by its labels; its registry
        // (registry.test) cannot be reached here, so meshdbg cannot tell and says what to pass.
        CliRun run = CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("meshdbg: cannot read the labels of the sidecar's image registry.test/proxyv2:1.24-debug")
                .contains("pass --image with an agent image (meshdbg image agent --to REF)").hasLineCount(1);
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.client.pods().withName("web-1").get().getSpec().getEphemeralContainers()).isEmpty();
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        CliRun pod = CliRun.of("attach", "web-404", "--kubeconfig", kubeconfig);
        assertThat(pod.exitCode()).isEqualTo(2);
        assertThat(pod.err()).isEqualTo("meshdbg: pod web-404 not found in namespace shop" + System.lineSeparator());

        CliRun ns = CliRun.of("attach", "web-1", "-n", "nope", "--kubeconfig", kubeconfig);
        assertThat(ns.err()).isEqualTo("meshdbg: namespace nope not found" + System.lineSeparator());

        CliRun context = CliRun.of("attach", "web-1", "--context", "prod", "--kubeconfig", kubeconfig);
        assertThat(context.exitCode()).isEqualTo(2);
        assertThat(context.err()).startsWith("meshdbg: ").contains("prod");

        CliRun duration = CliRun.of("attach", "web-1", "--max-pause", "soon", "--kubeconfig", kubeconfig);
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.err()).contains("'soon' is not a duration");

        CliRun mixed = CliRun.of("attach", "web-1", "--client", "lldb", "--debugger", "gdb", "--kubeconfig", kubeconfig);
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).contains("lldb pairs with lldb-server");

        CliRun lldbNonStop = CliRun.of("attach", "web-1", "--debugger", "lldb", "--non-stop", "--kubeconfig", kubeconfig);
        assertThat(lldbNonStop.exitCode()).isEqualTo(2);
        assertThat(lldbNonStop.err()).isEqualTo("meshdbg: --non-stop needs gdb: lldb cannot debug in non-stop mode"
                + " (it stops every thread); use --debugger gdb" + System.lineSeparator());

        CliRun missing = CliRun.of("attach", "web-1", "--kubeconfig", dir.resolve("absent").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.client.pods().withName("web-1").get().getSpec().getEphemeralContainers()).isEmpty();
    }

    @Test
    void sidecarSetImageAndResetThroughTheCli() {
        CliRun dry = CliRun.of("sidecar", "set-image", "deploy/web", "--image", "reg/proxyv2:debug", "--memory", "512Mi",
                "--dry-run", "--kubeconfig", kubeconfig);
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).startsWith("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{");
        assertThat(template()).doesNotContainKey(SidecarImage.PROXY_IMAGE);

        assertThat(CliRun.of("sidecar", "set-image", "deploy/web", "--image", "reg/proxyv2:debug", "--kubeconfig", kubeconfig)
                .exitCode()).isZero();
        assertThat(template()).containsEntry(SidecarImage.PROXY_IMAGE, "reg/proxyv2:debug");
        CliRun again = CliRun.of("sidecar", "set-image", "deploy/web", "--image", "reg/proxyv2:debug", "--kubeconfig", kubeconfig);
        assertThat(again.out()).contains("nothing to change");

        CliRun reset = CliRun.of("sidecar", "reset", "deploy/web", "--kubeconfig", kubeconfig, "-o", "json");
        assertThat(reset.exitCode()).isZero();
        assertThat(json(reset.out()).path("changed").asBoolean()).isTrue();
        assertThat(template()).doesNotContainKeys(SidecarImage.PROXY_IMAGE, SidecarImage.PREVIOUS);

        CliRun pod = CliRun.of("sidecar", "reset", "pod/web-1", "--kubeconfig", kubeconfig);
        assertThat(pod.exitCode()).isEqualTo(2);
        assertThat(pod.err()).contains("is not a workload");
    }

    /** Refusals found in preflight: one line, exit 2, and not one write reached the API server. */
    @Test
    void preflightRefusalsChangeNothing() {
        cluster.client.namespaces().withName(FakeCluster.NS).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
        int mark = cluster.requests().size();
        CliRun strict = CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig);
        assertThat(strict.exitCode()).isEqualTo(2);
        assertThat(strict.err()).startsWith("meshdbg: namespace shop enforces Pod Security 'restricted'")
                .contains("use --mode node").hasLineCount(1);
        assertThat(cluster.writesSince(mark)).isEmpty();
        // Permissions are checked first: a missing one is named even where Pod Security would refuse too.
        mark = cluster.requests().size();
        cluster.deny("get pods/portforward shop");
        CliRun forbidden = CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig);
        assertThat(forbidden.exitCode()).isEqualTo(2);
        assertThat(forbidden.err()).isEqualTo("meshdbg: not allowed to get pods/portforward in namespace shop: ask your"
                + " cluster admin for it (`meshdbg rbac role -n shop` prints the Role)" + System.lineSeparator());
        assertThat(cluster.writesSince(mark)).isEmpty();
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    /** The API server's own validation refusal: its cause in one line, exit 2, nothing left on the pod. */
    @Test
    void aValidationRefusalIsTheServersCause() {
        cluster.invalidNextEphemeralPatch("Pod \"web-1\" is invalid: spec.ephemeralContainers[0].image: Required value",
                "spec.ephemeralContainers[0].image", "Required value");
        CliRun run = CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig, "--image", FakeCluster.AGENT_IMAGE);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("meshdbg: the API server refused the agent container for pod shop/web-1:"
                + " spec.ephemeralContainers[0].image: Required value" + System.lineSeparator());
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.client.pods().withName("web-1").get().getSpec().getEphemeralContainers()).isEmpty();
    }

    /** Without `patch pods` the annotation is skipped: one warning line, and the session runs. */
    @Test
    void withoutPatchPodsAttachWarnsAndGoesOn() {
        cluster.deny("patch pods shop");
        KubeAttachCommand.clientSteps = request -> (SessionHandler) ctx -> {
            try (Socket s = new Socket(ctx.endpoint().host(), ctx.endpoint().port())) {
                s.getOutputStream().write("$g#67".getBytes());
                assertThat(new String(s.getInputStream().readNBytes(5))).isEqualTo("$g#67");
            }
        };
        CliRun run = CliRun.of("attach", "web-1", "--kubeconfig", kubeconfig, "--image", FakeCluster.AGENT_IMAGE);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEqualTo("warning: not allowed to patch pods in namespace shop: the pod will not carry the"
                + " meshdbg.dev/session annotation, so others will not see this session; going on" + System.lineSeparator());
        assertThat(cluster.requests()).noneMatch(r -> r.equals("PATCH /api/v1/namespaces/shop/pods/web-1"));
    }

    @Test
    void setImageRefusesAnImageIstioWouldIgnore() {
        int mark = cluster.requests().size();
        CliRun run = CliRun.of("sidecar", "set-image", "deploy/web", "--image", "proxyv2:1.24-debug", "--kubeconfig", kubeconfig);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("meshdbg: --image proxyv2:1.24-debug has no registry: Istio ignores a"
                + " sidecar.istio.io/proxyImage without a '/'; give a full reference such as REGISTRY/proxyv2:TAG"
                + System.lineSeparator());
        assertThat(cluster.writesSince(mark)).isEmpty();
        assertThat(template()).doesNotContainKey(SidecarImage.PROXY_IMAGE);
    }

    /** A paused Deployment replaces no pod: --wait says so and returns instead of waiting out its timeout. */
    @Test
    void setImageOnAPausedDeploymentSaysWhichPodsKeepTheOldImage() {
        cluster.client.apps().deployments().withName("web").edit(d -> new DeploymentBuilder(d).editSpec().withPaused(true)
                .endSpec().build());
        CliRun run = CliRun.of("sidecar", "set-image", "deploy/web", "--image", "reg/proxyv2:debug", "--wait",
                "--timeout", "10m", "--kubeconfig", kubeconfig);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEqualTo("warning: deployment/web is paused: no pod is replaced, pods web-1 keep the old"
                + " sidecar until `kubectl rollout resume deployment/web -n shop`" + System.lineSeparator());
        assertThat(run.out()).contains("; no pod rolls out").doesNotContain("rolled out)");
        assertThat(template()).containsEntry(SidecarImage.PROXY_IMAGE, "reg/proxyv2:debug");
        CliRun json = CliRun.of("sidecar", "reset", "deploy/web", "--wait", "--kubeconfig", kubeconfig, "-o", "json");
        assertThat(json(json.out()).path("keepOldImage").get(0).asText()).isEqualTo("web-1");
        assertThat(json(json.out()).path("rolledOut").asBoolean()).isFalse();
    }

    @Test
    void rbacRolePrintsWhatTheCodeChecks() {
        CliRun run = CliRun.of("rbac", "role", "-n", "demo", "--mode", "node", "--agent-namespace", "dbg");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(dev.meshdbg.kube.RbacRole.yaml(dev.meshdbg.kube.Mode.NODE, "demo", "dbg"))
                .contains("kind: Role\nmetadata: {name: meshdbg-node-agent, namespace: dbg}");
        assertThat(CliRun.of("rbac", "role").exitCode()).isEqualTo(2);
    }

    @Test
    void oneAttachCommandForBothPaths() {
        CliRun local = CliRun.of("attach", "--local", "--pid", "2147483646", "--max-pause", "30");
        assertThat(local.exitCode()).as(local.err()).isEqualTo(2);
        assertThat(local.err()).startsWith("meshdbg: ").contains("2147483646");
        CliRun localParse = CliRun.of("attach", "--local", "--pid", "x");
        assertThat(localParse.exitCode()).isEqualTo(2);
        assertThat(localParse.err()).startsWith("meshdbg: ");
        CliRun mixed = CliRun.of("attach", "web-1", "--pid", "5", "--kubeconfig", kubeconfig);
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).contains("unknown option or argument for attach TARGET: --pid")
                .contains("an option of attach --local");
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    @Test
    void cleanupCommand() {
        CliRun both = CliRun.of("cleanup", "-n", "shop", "-A", "--kubeconfig", kubeconfig);
        assertThat(both.exitCode()).isEqualTo(2);
        CliRun nothing = CliRun.of("cleanup", "-A", "--kubeconfig", kubeconfig);
        assertThat(nothing.exitCode()).isZero();
        assertThat(nothing.out()).contains("nothing to clean up");
    }

    private java.util.Map<String, String> template() {
        var a = cluster.client.apps().deployments().withName("web").get().getSpec().getTemplate().getMetadata().getAnnotations();
        return a == null ? java.util.Map.of() : a;
    }

    static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static String event(String line) {
        return json(line).path("event").asText();
    }
}
