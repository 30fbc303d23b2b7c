package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * A mock API server on 127.0.0.1 with a meshed app: namespace {@code shop}, Deployment {@code web}
 * and its running pod {@code web-1} with an {@code istio-proxy} sidecar on {@code node-1}.
 */
public final class FakeCluster implements AutoCloseable {
    /** An agent image for tests that attach: without --image the CLI reads the sidecar image's labels from its registry. */
    public static final String AGENT_IMAGE = "registry.test/meshdbg-agent:1";

    public static final String NS = "shop";
    public static final String POD = "web-1";
    public static final String CONTAINER_ID = "3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";

    final KubernetesMockServer server;
    final FakeApiDispatcher api;
    public final KubernetesClient client;
    private final FakeKubelet kubelet;

    public FakeCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        api = new FakeApiDispatcher(responses);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, api, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(new JdkHttpClientFactory()).inNamespace(NS);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.apps().deployments().resource(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("shop/web:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        addPod(meshedPod(POD, "2026-01-01T10:00:00Z"));
        kubelet = new FakeKubelet(server.createClient(new JdkHttpClientFactory()), api);
    }

    public static PodBuilder meshedPodBuilder(String name, String created) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", "web")
                .withCreationTimestamp(created).endMetadata()
                .withNewSpec().withNodeName("node-1")
                .addToContainers(new ContainerBuilder().withName("app").withImage("shop/web:1").build())
                .addToContainers(new ContainerBuilder().withName("istio-proxy").withImage("registry.test/proxyv2:1.24-debug")
                        .withNewReadinessProbe().withNewHttpGet().withPath("/healthz/ready").withPort(new IntOrString(15021))
                        .endHttpGet().withPeriodSeconds(2).withFailureThreshold(30).withTimeoutSeconds(3).endReadinessProbe()
                        .build())
                .endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("app").withNewState().withNewRunning().endRunning().endState().endContainerStatus()
                .addNewContainerStatus().withName("istio-proxy").withContainerID("containerd://" + CONTAINER_ID)
                .withNewState().withNewRunning().endRunning().endState().endContainerStatus()
                .endStatus();
    }

    public static Pod meshedPod(String name, String created) {
        return meshedPodBuilder(name, created).build();
    }

    /** Creates a pod, status included (the CRUD server keeps what it is given on create). */
    public void addPod(Pod pod) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    }

    /** Serves this exact pod on GET (an expectation over CRUD): for what the server would not store, like a deletionTimestamp. */
    public void expectPod(Pod pod) {
        server.expect().get().withPath("/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
                + pod.getMetadata().getName()).andReturn(200, pod).always();
    }

    public FakeAgent agent() {
        return api.agent;
    }

    public void agent(FakeAgent agent) {
        api.agent = agent;
    }

    public void deny(String verbResourceNamespace) {
        api.denied.add(verbResourceNamespace);
    }

    public void ephemeralContainersAnswer(int httpStatus) {
        api.ephemeralStatus = httpStatus;
    }

    /** The next PATCH of the ephemeralcontainers subresource gets this answer instead. */
    public void failNextEphemeralPatch(io.fabric8.mockwebserver.http.MockResponse answer) {
        api.ephemeralFailures.add(answer);
    }

    /** The next PATCH of the ephemeralcontainers subresource is refused as invalid, with one cause. */
    public void invalidNextEphemeralPatch(String message, String field, String cause) {
        failNextEphemeralPatch(FakeApiDispatcher.invalid(message, field, cause));
    }

    /** Requests since {@code mark} that write (SelfSubjectAccessReviews and the test kubelet's status updates aside). */
    public List<String> writesSince(int mark) {
        return requests().subList(mark, requests().size()).stream()
                .filter(r -> !r.endsWith("/status"))
                .filter(r -> r.startsWith("PATCH") || r.startsWith("PUT") || r.startsWith("DELETE")
                        || (r.startsWith("POST") && !r.contains("selfsubjectaccessreviews")))
                .toList();
    }

    public List<String> patches() {
        return api.patches;
    }

    public PortForwardRelay relay() {
        return api.relay;
    }

    public List<String> requests() {
        return api.requests;
    }

    /** Pods meshdbg created (node agent pods), in any namespace. */
    public List<Pod> meshdbgPods() {
        return client.pods().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).list().getItems();
    }

    /** Pods carrying a session annotation. */
    public List<Pod> annotatedPods() {
        return client.pods().inAnyNamespace().list().getItems().stream()
                .filter(p -> p.getMetadata().getAnnotations() != null
                        && p.getMetadata().getAnnotations().containsKey(Labels.SESSION_ANNOTATION))
                .toList();
    }

    /** A kubeconfig with one context, {@code mock}, pointing at this server. */
    public Path writeKubeconfig(Path dir) throws IOException {
        String url = "http://127.0.0.1:" + server.getPort();
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: " + url + "\n"
                + "users:\n- name: tester\n  user:\n    token: secret\n"
                + "contexts:\n- name: mock\n  context:\n    cluster: mock\n    user: tester\n    namespace: " + NS + "\n"
                + "current-context: mock\n";
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, yaml);
        return file;
    }

    @Override
    public void close() {
        kubelet.close();
        api.relay.dropAll();
        client.close();
        server.destroy();
    }
}
