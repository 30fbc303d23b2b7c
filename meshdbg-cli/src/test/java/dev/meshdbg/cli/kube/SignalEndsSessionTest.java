package dev.meshdbg.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.kube.EchoGuard;
import dev.meshdbg.kube.FakeAgent;
import dev.meshdbg.kube.FakeCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real meshdbg process, ended by SIGTERM (what Ctrl-C and `kill` do): its shutdown hook cleans up. */
class SignalEndsSessionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ephemeral", "node"})
    void sigtermDetachesAndLeavesNothingBehind(String mode) throws Exception {
        try (FakeCluster cluster = new FakeCluster(); EchoGuard guard = new EchoGuard()) {
            cluster.agent(FakeAgent.readyOn(guard.port()));
            Path kubeconfig = cluster.writeKubeconfig(dir);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process meshdbg = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main",
                    "attach", "deploy/web", "--mode", mode, "--kubeconfig", kubeconfig.toString(), "-o", "json")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(meshdbg.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("{\"event\":\"ready\"")) {
                        assertThat(cluster.annotatedPods()).hasSize(1);
                        assertThat(cluster.meshdbgPods()).hasSize(mode.equals("node") ? 1 : 0);
                        meshdbg.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our pipes
                    }
                }
                assertThat(meshdbg.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                meshdbg.destroyForcibly();
            }
            assertThat(lines).anyMatch(l -> l.startsWith("{\"event\":\"ready\""))
                    .last().asString().contains("\"event\":\"done\"").contains("nothing left behind");
            assertThat(cluster.annotatedPods()).isEmpty();
            assertThat(cluster.meshdbgPods()).isEmpty();
        }
    }
}
