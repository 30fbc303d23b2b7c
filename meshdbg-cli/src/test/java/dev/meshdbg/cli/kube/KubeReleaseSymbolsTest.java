package dev.meshdbg.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.cli.CliRun;
import dev.meshdbg.demo.EnvoyLikeRelease;
import dev.meshdbg.kube.EchoGuard;
import dev.meshdbg.kube.FakeAgent;
import dev.meshdbg.kube.FakeCluster;
import dev.meshdbg.kube.SessionHandler;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.fetch.Bucket;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshdbg attach POD} without {@code --symbols}: the sidecar's proxy SHA from the pod spec,
 * the release symbols from a bucket on 127.0.0.1, the agent told their build-id and code hash,
 * and lldb chosen for the .dwp.
 */
class KubeReleaseSymbolsTest {
    static final String SHA = "78bd2d9b284978e170a49cd13decd5f952544489";

    @TempDir
    static Path shared;
    static EnvoyLikeRelease.Build build;
    @TempDir
    Path dir;
    private FakeCluster cluster;
    private EchoGuard guard;
    private Bucket bucket;
    private String home;

    @BeforeAll
    static void buildRelease() throws Exception {
        Assumptions.assumeTrue(System.getenv("XDG_CACHE_HOME") == null,
                "SKIPPED: XDG_CACHE_HOME is set; this in-process test moves the cache through user.home");
        build = EnvoyLikeRelease.build(shared.resolve("build"), SHA);
        EnvoyLikeRelease.publish(build, shared.resolve("bucket"));
    }

    @BeforeEach
    void start() throws Exception {
        home = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        bucket = new Bucket(shared.resolve("bucket"));
        cluster = new FakeCluster();
        guard = new EchoGuard();
        cluster.agent(FakeAgent.readyOn(guard.port()));
    }

    @AfterEach
    void stop() throws Exception {
        System.setProperty("user.home", home);
        KubeAttachCommand.clientSteps = ClientStep.builtIn();
        guard.close();
        cluster.close();
        bucket.close();
    }

    void addPod(String name, String sha) {
        Pod pod = FakeCluster.meshedPodBuilder(name, "2026-01-02T10:00:00Z").editSpec()
                .editMatchingContainer(c -> c.getName().equals("istio-proxy"))
                .addNewEnv().withName("ISTIO_META_ISTIO_PROXY_SHA").withValue(sha).endEnv().endContainer().endSpec().build();
        cluster.addPod(pod);
    }

    @Test
    void theSidecarsShaBringsItsReleaseSymbolsAndLldb() throws Exception {
        addPod("web-sha", SHA);
        List<ClientStep.Request> requests = new ArrayList<>();
        KubeAttachCommand.clientSteps = request -> {
            requests.add(request);
            return (SessionHandler) ctx -> { };
        };
        CliRun run = CliRun.of("attach", "web-sha", "--kubeconfig", cluster.writeKubeconfig(dir).toString(),
                "--symbols-url", bucket.base(), "--image", FakeCluster.AGENT_IMAGE);
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path fetched = dir.resolve(".cache/meshdbg/symbols").resolve(SHA).resolve("envoy");
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.symbols()).isEqualTo(fetched);
            assertThat(r.debugger()).isEqualTo("lldb");
        });
        assertThat(fetched.resolveSibling("envoy.dwp")).exists();
        assertThat(run.err()).contains("Fetching " + bucket.base() + "/envoy-symbol-" + SHA + ".tar.gz");
        assertThat(run.out()).contains("symbols: " + fetched + " (istio/proxy " + SHA + " from ISTIO_META_ISTIO_PROXY_SHA of shop/web-sha")
                .contains("debugger: lldb, which reads the split-DWARF package");
        String codeHash;
        try (ElfFile elf = ElfFile.open(fetched)) {
            codeHash = HexFormat.of().formatHex(elf.loadableCodeHash());
        }
        assertThat(cluster.client.pods().withName("web-sha").get().getSpec().getEphemeralContainers().get(0).getArgs())
                .containsSubsequence("--debugger", "lldb").containsSubsequence("--symbols-code-hash", codeHash);
    }

    @Test
    void anUnknownShaIsRefusedBeforeAnythingChanges() throws Exception {
        String unknown = "0000000000000000000000000000000000000002";
        addPod("web-new", "istio-proxy:" + unknown);
        CliRun run = CliRun.of("attach", "web-new", "--kubeconfig", cluster.writeKubeconfig(dir).toString(),
                "--symbols-url", bucket.base());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("meshdbg: no Envoy symbols for istio/proxy " + unknown
                + " (from ISTIO_META_ISTIO_PROXY_SHA of shop/web-new): " + bucket.base() + "/envoy-symbol-" + unknown
                + ".tar.gz does not exist; pass symbols by hand with --symbols FILE (envoy.dwp beside it) or --symbols-dir DIR");
        assertThat(cluster.client.pods().withName("web-new").get().getSpec().getEphemeralContainers()).isEmpty();
        assertThat(cluster.annotatedPods()).isEmpty();
    }
}
