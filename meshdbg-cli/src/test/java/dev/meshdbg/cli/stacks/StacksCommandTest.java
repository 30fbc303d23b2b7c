package dev.meshdbg.cli.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code meshdbg stacks --local} against a real multi-threaded C++ program (named worker threads
 * under a known call chain with an inlined function, a spinning thread, a serving main thread),
 * built -O2 -g and -O0 -g, stopped by gdbserver and by lldb-server.
 */
class StacksCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORKERS = 3;

    @TempDir
    static Path dir;
    static Path source;
    static Path optimized;
    static Path unoptimized;
    final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        source = dir.resolve("stacks_target.cc");
        try (InputStream in = StacksCommandTest.class.getResourceAsStream("/stacks/stacks_target.cc")) {
            Files.write(source, in.readAllBytes());
        }
        optimized = compile("-O2", "target-o2");
        unoptimized = compile("-O0", "target-o0");
    }

    static Path compile(String level, String name) throws Exception {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("g++", level, "-g", "-pthread", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        return out;
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    /** Starts the target and returns it once it serves; its port is in {@link Target#port}. */
    Target start(Path binary) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), Integer.toString(WORKERS)).redirectErrorStream(true).start();
        started.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).startsWith("port ");
        return new Target(p, Integer.parseInt(line.substring(5).strip()));
    }

    record Target(Process process, int port) {
        void assertRunningAndServing() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            assertThat(state).as("target state after the capture").isNotIn('t', 'T');
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok\n");
            }
        }
    }

    /** The line of the source holding {@code text}, 1-based. */
    static int lineOf(String text) throws IOException {
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the source");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"O2, gdb", "O2, lldb", "O0, gdb"})
    void everyThreadWithItsNameAndTheKnownChainWithFileAndLine(String level, String debugger) throws Exception {
        Path binary = level.equals("O2") ? optimized : unoptimized;
        Target target = start(binary);
        CliRun run = CliRun.of("stacks", "--local", "--pid", Long.toString(target.process().pid()),
                "--debugger", debugger, "--symbols", binary.toString(), "-o", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        target.assertRunningAndServing();

        JsonNode pod = JSON.readTree(run.out()).path("pods").get(0);
        assertThat(pod.path("pauseMs").asDouble()).isPositive();
        assertThat(pod.path("server").asText()).isEqualTo(debugger.equals("gdb") ? "gdbserver" : "lldb-server");
        List<String> names = new ArrayList<>();
        pod.path("threads").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder(binary.getFileName().toString().substring(0, 9),
                "wrk:worker_0", "wrk:worker_1", "wrk:worker_2", "spinner");

        for (JsonNode thread : pod.path("threads")) {
            if (!thread.path("name").asText().startsWith("wrk:")) {
                continue;
            }
            List<String> chain = new ArrayList<>();
            List<String> where = new ArrayList<>();
            for (JsonNode frame : thread.path("frames")) {
                for (JsonNode l : frame.path("locations")) {
                    chain.add(l.path("function").asText());
                    where.add(Path.of(l.path("file").asText()).getFileName() + ":" + l.path("line").asInt());
                }
            }
            assertThat(chain).as("frames of " + thread.path("name")).containsSubsequence(
                    "meshtest::wait_for_work(int)", "meshtest::handle_batch(int)", "meshtest::run_loop(int)",
                    "meshtest::worker_main(int)");
            assertThat(where).containsSubsequence("stacks_target.cc:" + lineOf("int n = poll("),
                    "stacks_target.cc:" + lineOf("if (wait_for_work(1000 + worker) > 0)"),
                    "stacks_target.cc:" + lineOf("handle_batch(worker);"));
            if (level.equals("O2")) {
                JsonNode inlined = frameOf(thread, "meshtest::handle_batch(int)");
                assertThat(inlined.path("locations").get(1).path("function").asText())
                        .as("handle_batch is inlined into run_loop: one frame, two functions")
                        .isEqualTo("meshtest::run_loop(int)");
            }
        }
        JsonNode spinner = null;
        for (JsonNode t : pod.path("threads")) {
            spinner = t.path("name").asText().equals("spinner") ? t : spinner;
        }
        assertThat(frameOf(spinner, "meshtest::spin_main()")).isNotNull();
    }

    static JsonNode frameOf(JsonNode thread, String function) {
        for (JsonNode frame : thread.path("frames")) {
            for (JsonNode l : frame.path("locations")) {
                if (l.path("function").asText().equals(function)) {
                    return frame;
                }
            }
        }
        throw new AssertionError(function + " not in " + thread);
    }

    @Test
    void textGroupsIdenticalStacksWithTheirThreadCount() throws Exception {
        Target target = start(optimized);
        CliRun run = CliRun.of("stacks", "--local", "--pid", Long.toString(target.process().pid()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("5 threads, stopped ")
                .contains("3 threads: wrk:worker_0, wrk:worker_1, wrk:worker_2")
                .contains("in meshtest::handle_batch(int) at ").contains("(inlined)")
                .contains("1 thread: spinner");
        target.assertRunningAndServing();
    }

    /**
     * An agent SIGKILLed at any moment of a capture — before, during or after the stop — leaves
     * the target running: its debug server loses its pipe and detaches, and exits.
     */
    @Test
    void anAgentKilledMidCaptureLeavesTheTargetRunning() throws Exception {
        Target target = start(optimized);
        String pid = Long.toString(target.process().pid());
        for (int delayMs : new int[] {150, 300, 450, 600, 750, 900, 1200}) {
            Process agent = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), "dev.meshdbg.agent.AgentMain", "--stacks", "--pid", pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            started.add(agent);
            Thread.sleep(delayMs);
            List<ProcessHandle> servers = agent.descendants().toList();
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle server : servers) {
                assertThat(server.onExit().get(10, TimeUnit.SECONDS).isAlive()).as("debug server left behind").isFalse();
            }
            target.assertRunningAndServing();
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(5, TimeUnit.SECONDS);
        CliRun noPid = CliRun.of("stacks", "--local", "--pid", Long.toString(gone.pid()));
        assertThat(noPid.exitCode()).isEqualTo(2);
        assertThat(noPid.err().strip()).doesNotContain("\n").contains("no process with pid " + gone.pid());

        Target target = start(optimized);
        String pid = Long.toString(target.process().pid());
        CliRun notEnvoy = CliRun.of("stacks", "--local", "--pid", pid, "--name", "envoy");
        assertThat(notEnvoy.exitCode()).isEqualTo(2);
        assertThat(notEnvoy.err().strip()).doesNotContain("\n").contains("does not match").contains("--name envoy");

        CliRun mismatch = CliRun.of("stacks", "--local", "--pid", pid, "--symbols", unoptimized.toString());
        assertThat(mismatch.exitCode()).isEqualTo(2);
        assertThat(mismatch.err().strip()).doesNotContain("\n").contains("symbols do not match the running binary");
        target.assertRunningAndServing();
    }
}
