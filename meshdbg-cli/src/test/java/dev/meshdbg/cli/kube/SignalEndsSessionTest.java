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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.CsvSource;

/** A real meshdbg process, ended by Ctrl-C (SIGINT) or `kill` (SIGTERM): it cleans up and exits 0. */
class SignalEndsSessionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"ephemeral,TERM", "node,TERM", "ephemeral,INT", "node,INT"})
    void aSignalEndsTheSessionInOrder(String mode, String signal) throws Exception {
        try (FakeCluster cluster = new FakeCluster(); EchoGuard guard = new EchoGuard()) {
            cluster.agent(FakeAgent.readyOn(guard.port()));
            Path kubeconfig = cluster.writeKubeconfig(dir);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process meshdbg = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main",
                    "attach", "deploy/web", "--mode", mode, "--image", FakeCluster.AGENT_IMAGE, "--kubeconfig", kubeconfig.toString(), "-o", "json")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(meshdbg.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("{\"event\":\"ready\"")) {
                        assertThat(cluster.annotatedPods()).hasSize(1);
                        assertThat(cluster.meshdbgPods()).hasSize(mode.equals("node") ? 1 : 0);
                        if (signal.equals("INT")) {
                            // A process started with SIGINT ignored (as from a script's background job) keeps it so.
                            Assumptions.assumeFalse(ignores(meshdbg.pid(), 2), "SIGINT is ignored in this environment");
                        }
                        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(meshdbg.pid())).start();
                        assertThat(kill.waitFor()).isZero();
                    }
                }
                assertThat(meshdbg.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(meshdbg.exitValue()).as("an orderly end").isZero();
            } finally {
                meshdbg.destroyForcibly();
            }
            assertThat(lines).anyMatch(l -> l.startsWith("{\"event\":\"ready\""))
                    .last().asString().contains("\"event\":\"done\"").contains("nothing left behind");
            assertThat(cluster.annotatedPods()).isEmpty();
            assertThat(cluster.meshdbgPods()).isEmpty();
        }
    }

    /** Whether the process ignores signal {@code number}, from the SigIgn mask in /proc/PID/status. */
    private static boolean ignores(long pid, int number) throws Exception {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (number - 1))) != 0;
            }
        }
        return false;
    }
}
