package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each refusal: one clear line, the right exit code, and nothing created or changed in the cluster. */
class BadInputTest {
    private FakeCluster cluster;
    /** Requests before this index were the test's own set-up. */
    private int mark;

    @BeforeEach
    void start() {
        cluster = new FakeCluster();
        cluster.agent(FakeAgent.readyOn(1)); // never reached: every test here is refused first
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private MeshdbgException refused(AttachOptions options) {
        mark = cluster.requests().size();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() ->
                new KubeSession(cluster.client, options, new SessionListener() {
                }).run(ctx -> {
                    throw new AssertionError("the session should have been refused");
                }));
        assertThat(t).isInstanceOf(MeshdbgException.class);
        assertUnchanged();
        return (MeshdbgException) t;
    }

    private void assertUnchanged() {
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.meshdbgPods()).isEmpty();
        assertThat(cluster.client.pods().inAnyNamespace().list().getItems())
                .allSatisfy(p -> assertThat(p.getSpec().getEphemeralContainers()).isEmpty());
        assertThat(cluster.client.namespaces().withName(AttachOptions.DEFAULT_AGENT_NAMESPACE).get()).isNull();
        List<String> writes = cluster.requests().subList(mark, cluster.requests().size()).stream()
                .filter(r -> !r.endsWith("/status")) // the simulated kubelet
                .filter(r -> r.startsWith("PATCH") || r.startsWith("PUT") || r.startsWith("DELETE")
                        || (r.startsWith("POST") && !r.contains("selfsubjectaccessreviews")))
                .toList();
        assertThat(writes).as("write requests").isEmpty();
    }

    private static AttachOptions target(String t) {
        return AttachOptions.of(TargetRef.parse(t)).withStartTimeout(Duration.ofSeconds(5));
    }

    @Test
    void unknownNamespace() {
        var o = target("web-1");
        mark = cluster.requests().size();
        MeshdbgException e = org.assertj.core.api.Assertions.catchThrowableOfType(MeshdbgException.class,
                () -> new KubeSession(cluster.client.adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
                        .inNamespace("nope"), o, new SessionListener() {
                }).run(ctx -> {
                }));
        assertThat(e).hasMessage("namespace nope not found");
        assertThat(e.exitCode()).isEqualTo(2);
        assertUnchanged();
    }

    @Test
    void unknownPod() {
        MeshdbgException e = refused(target("web-404"));
        assertThat(e).hasMessage("pod web-404 not found in namespace shop");
        assertThat(e.exitCode()).isEqualTo(2);
    }

    @Test
    void unknownWorkload() {
        assertThat(refused(target("sts/db"))).hasMessage("statefulset db not found in namespace shop");
        assertThat(refused(target("ds/nodes"))).hasMessage("daemonset nodes not found in namespace shop");
    }

    @Test
    void podWithoutTheSidecar() {
        cluster.addPod(new PodBuilder(FakeCluster.meshedPod("plain", "2026-01-01T00:00:00Z")).editSpec()
                .removeMatchingFromContainers(c -> c.getName().equals("istio-proxy")).endSpec().build());
        assertThat(refused(target("plain"))).hasMessage("pod plain has no sidecar container 'istio-proxy' (containers: app);"
                + " is it in the mesh? choose one with -c");
    }

    @Test
    void pendingPod() {
        cluster.addPod(new PodBuilder(FakeCluster.meshedPod("pending", "2026-01-01T00:00:00Z"))
                .editStatus().withPhase("Pending").endStatus().build());
        assertThat(refused(target("pending"))).hasMessage("pod shop/pending is Pending, not Running");
    }

    @Test
    void terminatingPod() {
        cluster.expectPod(new PodBuilder(FakeCluster.meshedPod("leaving", "2026-01-01T00:00:00Z"))
                .editMetadata().withDeletionTimestamp("2026-01-01T01:00:00Z").endMetadata().build());
        assertThat(refused(target("leaving"))).hasMessage("pod shop/leaving is terminating; pick another pod");
    }

    @Test
    void podAlreadyInASession() {
        cluster.client.pods().withName(FakeCluster.POD).edit(p -> new PodBuilder(p).editMetadata()
                .addToAnnotations(Labels.SESSION_ANNOTATION, "{\"id\":\"old\",\"user\":\"bob@laptop\"}").endMetadata().build());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() ->
                new KubeSession(cluster.client, target("web-1"), new SessionListener() {
                }).run(ctx -> {
                }));
        assertThat(t).hasMessageContaining("already has a meshdbg session").hasMessageContaining("bob@laptop")
                .hasMessageContaining("meshdbg cleanup -n shop");
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getMetadata().getAnnotations())
                .containsKey(Labels.SESSION_ANNOTATION); // someone else's: left alone
    }

    @Test
    void workloadWithoutReadyPods() {
        cluster.client.pods().withName(FakeCluster.POD).edit(p -> new PodBuilder(p).editStatus()
                .withConditions(List.of()).endStatus().build());
        assertThat(refused(target("deploy/web"))).hasMessage("deployment/web has no ready pod in namespace shop (web-1);"
                + " name one as pod/NAME");
    }

    static Stream<Arguments> everyPermission() {
        return Stream.of(Mode.values()).flatMap(mode -> Permission.needed(Permission.forMode(mode, FakeCluster.NS,
                AttachOptions.DEFAULT_AGENT_NAMESPACE), Permission.Need.REQUIRED).stream().map(p -> Arguments.of(mode, p)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyPermission")
    void forbiddenVerbIsNamed(Mode mode, Permission p) {
        String resource = p.resource() + (p.subresource() != null ? "/" + p.subresource() : "");
        cluster.deny((p.verb() + " " + resource + " " + (p.namespace() == null ? "" : p.namespace())).strip());
        MeshdbgException e = refused(target("web-1").withMode(mode));
        assertThat(e.getMessage()).startsWith("not allowed to " + p.describe() + ":")
                .contains("`meshdbg rbac role -n shop" + (mode == Mode.NODE ? " --mode node`" : "`"));
        assertThat(e.exitCode()).isEqualTo(2);
    }

    /** Both port-forward verbs are asked: get up to Kubernetes 1.34, create from 1.35 on. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Mode.class)
    void portForwardNeedsGetAndCreate(Mode mode) {
        String ns = mode == Mode.EPHEMERAL ? FakeCluster.NS : AttachOptions.DEFAULT_AGENT_NAMESPACE;
        assertThat(Permission.needed(Permission.forMode(mode, FakeCluster.NS, AttachOptions.DEFAULT_AGENT_NAMESPACE),
                Permission.Need.REQUIRED)).filteredOn(p -> "portforward".equals(p.subresource()))
                .extracting(Permission::verb, Permission::namespace)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("get", ns),
                        org.assertj.core.groups.Tuple.tuple("create", ns));
    }

    @Test
    void podSecurityBaselineRefusesEphemeralAndOffersNodeMode() {
        cluster.client.namespaces().withName(FakeCluster.NS).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels(Labels.POD_SECURITY_ENFORCE, "baseline").endMetadata().build());
        assertThat(refused(target("web-1"))).hasMessageStartingWith("namespace shop enforces Pod Security 'baseline',"
                + " which refuses an ephemeral container that adds SYS_PTRACE: use --mode node");
    }

    @Test
    void podSecurityRestrictedToo() {
        cluster.client.namespaces().withName(FakeCluster.NS).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels(Labels.POD_SECURITY_ENFORCE, "restricted").endMetadata().build());
        MeshdbgException e = refused(target("web-1"));
        assertThat(e).hasMessageStartingWith("namespace shop enforces Pod Security 'restricted'").hasMessageContaining("--mode node");
        assertThat(e.exitCode()).isEqualTo(2);
    }

    /** Admission that only shows at the patch (a policy the label check cannot see) keeps its own words. */
    @Test
    void podSecurityAtThePatchKeepsItsMessage() {
        String message = "pods \"web-1\" is forbidden: violates PodSecurity \"baseline:latest\": non-default capabilities"
                + " (container \"meshdbg-abc\" must not include \"SYS_PTRACE\" in securityContext.capabilities.add)";
        cluster.failNextEphemeralPatch(FakeApiDispatcher.status(403, message));
        MeshdbgException e = refusedByTheServer(target("web-1"));
        assertThat(e).hasMessage("Pod Security admission refused the agent container in shop/web-1: " + message
                + "; use --mode node");
        assertThat(e.exitCode()).isEqualTo(2);
    }

    /** Any other 422 is the server's validation, not a missing feature: its causes, in one line. */
    @Test
    void otherValidationErrorsAreTheServersCauses() {
        cluster.failNextEphemeralPatch(FakeApiDispatcher.invalid("Pod \"web-1\" is invalid: spec.ephemeralContainers[0].name:"
                        + " Duplicate value: \"meshdbg-abc\"", "spec.ephemeralContainers[0].name",
                "Duplicate value: \"meshdbg-abc\""));
        MeshdbgException e = refusedByTheServer(target("web-1"));
        assertThat(e).hasMessage("the API server refused the agent container for pod shop/web-1:"
                + " spec.ephemeralContainers[0].name: Duplicate value: \"meshdbg-abc\"");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).doesNotContain("--mode node");
    }

    /** Refused by the API server itself: what the session did before (the annotation) is undone, nothing stays. */
    private MeshdbgException refusedByTheServer(AttachOptions options) {
        MeshdbgException e = org.assertj.core.api.Assertions.catchThrowableOfType(MeshdbgException.class,
                () -> new KubeSession(cluster.client, options, new SessionListener() {
                }).run(ctx -> {
                    throw new AssertionError("the session should have been refused");
                }));
        assertThat(cluster.annotatedPods()).isEmpty();
        assertThat(cluster.meshdbgPods()).isEmpty();
        assertThat(cluster.client.pods().withName(FakeCluster.POD).get().getSpec().getEphemeralContainers()).isEmpty();
        return e;
    }

    @Test
    void ephemeralContainersUnsupported() {
        for (int status : new int[] {404, 415, 422}) {
            cluster.ephemeralContainersAnswer(status);
            MeshdbgException e = org.assertj.core.api.Assertions.catchThrowableOfType(MeshdbgException.class,
                    () -> new KubeSession(cluster.client, target("web-1"), new SessionListener() {
                    }).run(ctx -> {
                    }));
            assertThat(e).hasMessageStartingWith("this cluster does not accept ephemeral containers (HTTP " + status)
                    .hasMessageEndingWith("; use --mode node");
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(cluster.annotatedPods()).isEmpty();
        }
    }

    @Test
    void nodeModeRefusesAStrictAgentNamespace() {
        cluster.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshdbg-system")
                .addToLabels(Labels.POD_SECURITY_ENFORCE, "restricted").endMetadata().build()).create();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() ->
                new KubeSession(cluster.client, target("web-1").withMode(Mode.NODE), new SessionListener() {
                }).run(ctx -> {
                }));
        assertThat(t).hasMessageStartingWith("agent namespace meshdbg-system enforces Pod Security 'restricted'");
        assertThat(cluster.meshdbgPods()).isEmpty();
    }

    @Test
    void newestReadyPodOfAWorkloadAndPodSelector() throws InterruptedException {
        cluster.addPod(new PodBuilder(FakeCluster.meshedPod("canary", "2026-01-15T00:00:00Z"))
                .editMetadata().addToLabels("track", "canary").endMetadata().build());
        Thread.sleep(1100); // creation times have one-second resolution, and the server sets them
        cluster.addPod(FakeCluster.meshedPod("web-2", "2026-02-01T00:00:00Z"));
        Thread.sleep(1100);
        cluster.addPod(new PodBuilder(FakeCluster.meshedPod("web-3", "2026-03-01T00:00:00Z"))
                .editStatus().withConditions(List.of()).endStatus().build());
        PodResolver resolver = new PodResolver(cluster.client, FakeCluster.NS);
        assertThat(resolver.resolve(TargetRef.parse("deploy/web"), null, "istio-proxy", null).podName()).isEqualTo("web-2");
        assertThat(resolver.resolve(TargetRef.parse("deploy/web"), "track=canary", "istio-proxy", null).podName())
                .isEqualTo("canary");
        assertThat(resolver.resolve(null, "track=canary", "istio-proxy", null).podName()).isEqualTo("canary");
        assertThat(resolver.resolve(TargetRef.parse("deploy/web"), null, "istio-proxy", ready -> {
            assertThat(ready).extracting(p -> p.getMetadata().getName()).as("ready pods, newest first")
                    .hasSize(3).startsWith("web-2").contains("web-1", "canary");
            return ready.get(2);
        }).podName()).isIn("web-1", "canary");
        assertThatThrownBy(() -> resolver.resolve(null, "track in (a,b)", "istio-proxy", null))
                .hasMessageStartingWith("--pod-selector 'track in (a,b)': use key=value pairs");
    }

    @Test
    void nativeSidecarIsFound() {
        Pod pod = new PodBuilder(FakeCluster.meshedPod("native", "2026-01-01T00:00:00Z")).editSpec()
                .removeMatchingFromContainers(c -> c.getName().equals("istio-proxy"))
                .addNewInitContainer().withName("istio-proxy").withImage("proxyv2:debug").withRestartPolicy("Always")
                .endInitContainer().endSpec()
                .editStatus().removeMatchingFromContainerStatuses(s -> s.getName().equals("istio-proxy"))
                .addNewInitContainerStatus().withName("istio-proxy").withContainerID("containerd://abcdef012345")
                .withNewState().withNewRunning().endRunning().endState().endInitContainerStatus().endStatus().build();
        cluster.addPod(pod);
        ResolvedTarget t = new PodResolver(cluster.client, FakeCluster.NS).resolve(TargetRef.parse("pod/native"), null,
                "istio-proxy", null);
        assertThat(t.sidecar().nativeSidecar()).isTrue();
        assertThat(t.sidecar().containerId()).isEqualTo("abcdef012345");
        assertThat(t.sidecar().runtime()).isEqualTo("containerd");
        assertThat(t.nodeName()).isEqualTo("node-1");
    }
}
