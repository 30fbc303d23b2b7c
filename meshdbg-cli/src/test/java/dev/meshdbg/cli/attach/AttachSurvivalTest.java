package dev.meshdbg.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code meshdbg attach --local} as a real process: Ctrl-C, and a SIGKILLed meshdbg while a client holds the target. */
class AttachSurvivalTest {
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    final List<ProcessHandle> started = new ArrayList<>();

    @BeforeAll
    static void build() {
        build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);
    }

    @AfterEach
    void cleanUp() {
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    @Test
    void ctrlCDetachesAndExitsZeroWithTheTargetRunning() throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            Cli cli = Cli.start(dir, "--pid", Long.toString(envoy.pid()), "--symbols", build.binary().toString(), "-o", "json");
            started.add(cli.process.toHandle());
            JsonNode ready = cli.await("ready");
            assertThat(ready.path("configs").path("gdb").asText()).endsWith(".gdb");
            assertThat(ready.path("buildId").asText()).isNotEmpty();
            // SIGINT, as the terminal sends for Ctrl-C
            new ProcessBuilder("kill", "-INT", Long.toString(cli.process.pid())).start().waitFor();
            cli.await("done");
            assertThat(cli.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.process.exitValue()).isZero();
            assertThat(envoy.state()).isNotEqualTo("t");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gdb", "lldb"})
    void meshdbgSigkilledWhileAClientIsStoppedAtABreakpoint(String debugger) throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            Cli cli = Cli.start(dir, "--pid", Long.toString(envoy.pid()), "--debugger", debugger, "-o", "json");
            started.add(cli.process.toHandle());
            int port = cli.await("ready").path("port").asInt();
            ProcessHandle agent = cli.process.toHandle().children().findFirst().orElseThrow();
            started.add(agent);

            int line = build.line("handler");
            Process gdb = debugger.equals("gdb")
                    ? new ProcessBuilder("gdb", "-nx", "-q", build.binary().toString()).redirectErrorStream(true).start()
                    : new ProcessBuilder("lldb-19", "--no-lldbinit", build.binary().toString()).redirectErrorStream(true).start();
            started.add(gdb.toHandle());
            Output out = new Output(gdb);
            OutputStream in = gdb.getOutputStream();
            String hit = debugger.equals("gdb") ? "Breakpoint 1," : "stop reason = breakpoint";
            send(in, debugger.equals("gdb")
                    ? "set pagination off\nset confirm off\nset sysroot /\ntarget remote 127.0.0.1:" + port + "\n"
                            + "break envoy_like.cc:" + line + "\ncontinue\n"
                    : "gdb-remote 127.0.0.1:" + port + "\nbreakpoint set --file envoy_like.cc --line " + line + "\ncontinue\n");
            Thread poke = new Thread(() -> {
                // Until the breakpoint is armed, requests pass; keep sending until one stops there.
                while (!out.contains(hit)) {
                    try {
                        envoy.get("/held", Duration.ofSeconds(60));
                    } catch (IOException ignored) {
                        // answered after the target resumes, or never
                    }
                }
            });
            poke.setDaemon(true);
            poke.start();
            out.await(hit);
            assertThat(envoy.state()).isEqualTo("t");

            // kill -9 meshdbg: its end of the session goes, and with it the debugger's connection
            // (meshdbg relays it, with the session key): the guard removes the breakpoint and detaches.
            cli.process.destroyForcibly();
            cli.process.waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (envoy.state().equals("t") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(envoy.state()).isNotEqualTo("t");
            // The breakpoint is gone: passing the handler again does not kill the target with SIGTRAP.
            assertThat(envoy.get("/after", Duration.ofSeconds(5))).startsWith("GET /after");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
            assertThat(agent.onExit().get(15, TimeUnit.SECONDS).isAlive()).as("agent leaves once the client is gone").isFalse();
            gdb.destroyForcibly();
        }
    }

    @Test
    void aTargetThatExitsEndsTheSessionWithExitOne() throws Exception {
        // Idle (no debugger): the agent notices through /proc; the CLI says so and exits 1.
        EnvoyLikeProcess idle = EnvoyLikeProcess.start(build.binary());
        Cli cli = Cli.start(dir, "--pid", Long.toString(idle.pid()), "-o", "json");
        started.add(cli.process.toHandle());
        cli.await("ready");
        long pid = idle.pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(cli.await("target-exited").path("message").asText()).startsWith("envoy-like (pid " + pid + ") exited");
        assertThat(cli.process.waitFor(20, TimeUnit.SECONDS)).as("meshdbg ends with its target").isTrue();
        assertThat(cli.process.exitValue()).isEqualTo(1);

        // With gdb running it through the guard: the debug server says how it ended.
        EnvoyLikeProcess traced = EnvoyLikeProcess.start(build.binary());
        cli = Cli.start(dir, "--pid", Long.toString(traced.pid()), "--debugger", "gdb", "-o", "json");
        started.add(cli.process.toHandle());
        int port = cli.await("ready").path("port").asInt();
        Process gdb = new ProcessBuilder("gdb", "-nx", "-q", build.binary().toString()).redirectErrorStream(true).start();
        started.add(gdb.toHandle());
        Output out = new Output(gdb);
        send(gdb.getOutputStream(), "set pagination off\nset confirm off\nset sysroot /\ntarget remote 127.0.0.1:" + port
                + "\nbreak envoy_like.cc:" + build.line("handler") + "\ncontinue\n");
        out.await("Continuing.");
        Thread.sleep(500); // continued: the target runs under the debugger, which waits for its next stop
        long tracedPid = traced.pid();
        ProcessHandle.of(tracedPid).orElseThrow().destroyForcibly();
        assertThat(cli.await("target-exited").path("message").asText())
                .isEqualTo("envoy-like (pid " + tracedPid + ") exited (signal 9)");
        assertThat(cli.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.process.exitValue()).isEqualTo(1);
        gdb.destroyForcibly();
    }

    @Test
    void nonStopWithLldbIsRefusedBeforeAnythingStarts() throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            CliRun run = CliRun.of("attach", "--local", "--pid", Long.toString(envoy.pid()), "--debugger", "lldb",
                    "--non-stop", "--out", dir.resolve("refused").toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("meshdbg: --non-stop needs gdb: lldb cannot debug in non-stop mode"
                    + " (it stops every thread); use --debugger gdb" + System.lineSeparator());
            assertThat(dir.resolve("refused")).doesNotExist();
            assertThat(ProcessHandle.current().descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains("AgentMain"))).as("no agent started").isEmpty();
            assertThat(java.nio.file.Files.readString(Path.of("/proc/" + envoy.pid() + "/status"))).contains("TracerPid:\t0\n");
        }
    }

    /**
     * Non-stop through the CLI: gdb runs meshdbg's command file (which sets non-stop mode), a
     * worker stops at the handler while the main thread runs on; then meshdbg and gdb are both
     * SIGKILLed, and the guard, speaking non-stop, removes the breakpoints and detaches.
     */
    @Test
    void nonStopMeshdbgAndGdbSigkilledWhileAWorkerIsStoppedAtABreakpoint() throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            Cli cli = Cli.start(dir, "--pid", Long.toString(envoy.pid()), "--symbols", build.binary().toString(),
                    "--non-stop", "-o", "json");
            started.add(cli.process.toHandle());
            JsonNode ready = cli.await("ready");
            String commandFile = ready.path("configs").path("gdb").asText();
            assertThat(java.nio.file.Files.readString(Path.of(commandFile))).contains("set non-stop on\n");
            ProcessHandle agent = cli.process.toHandle().children().findFirst().orElseThrow();
            started.add(agent);

            Process gdb = new ProcessBuilder("gdb", "-nx", "-q", "-x", commandFile).redirectErrorStream(true).start();
            started.add(gdb.toHandle());
            Output out = new Output(gdb);
            send(gdb.getOutputStream(), "set pagination off\nset confirm off\nbreak envoy_like.cc:" + build.line("handler")
                    + "\ncontinue -a\n");
            // Requests only once every thread is resumed: a worker that stopped before `continue -a`
            // would be resumed by it.
            out.await("Continuing.");
            Thread poke = new Thread(() -> {
                while (!out.contains("hit Breakpoint 1,")) {
                    try {
                        envoy.get("/held", Duration.ofSeconds(60));
                    } catch (IOException ignored) {
                        // answered after the target resumes, or never
                    }
                }
            });
            poke.setDaemon(true);
            poke.start();
            out.await("hit Breakpoint 1,");
            // gdb prints the stop as it reads it; the kernel's view of the threads settles a moment later.
            for (int i = 0; i < 100 && envoy.stoppedThreads().size() != 1; i++) {
                Thread.sleep(50);
            }
            assertThat(envoy.stoppedThreads()).as("only the worker at the breakpoint is stopped\n" + out.text()).hasSize(1)
                    .allMatch(name -> name.startsWith("wrk:worker_"));
            assertThat(envoy.state()).as("the main thread runs").isNotEqualTo("t");

            cli.process.destroyForcibly();
            cli.process.waitFor();
            gdb.destroyForcibly();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!envoy.stoppedThreads().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(envoy.stoppedThreads()).isEmpty();
            // The breakpoint is gone: every worker passes the handler again without SIGTRAP, 3 s later too.
            assertThat(envoy.everyWorkerServes(Duration.ofSeconds(10))).isTrue();
            Thread.sleep(3000);
            assertThat(envoy.isAlive()).isTrue();
            assertThat(envoy.everyWorkerServes(Duration.ofSeconds(10))).isTrue();
            assertThat(agent.onExit().get(15, TimeUnit.SECONDS).isAlive()).as("agent leaves once the client is gone").isFalse();
        }
    }

    static void send(OutputStream in, String text) throws IOException {
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** meshdbg as its own JVM, the way bin/meshdbg runs it, with its JSON events queued. */
    static final class Cli {
        final Process process;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        private Cli(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                ObjectMapper json = new ObjectMapper();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("{")) {
                            events.add(json.readTree(line));
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        static Cli start(Path dir, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main", "attach", "--local",
                    "--out", dir.resolve("out").toString()));
            command.addAll(List.of(args));
            return new Cli(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        JsonNode await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                JsonNode e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && e.path("event").asText().equals(event)) {
                    return e;
                }
            }
            throw new AssertionError("no " + event + " event from meshdbg");
        }
    }

    /** A debugger's output, gathered as it comes. */
    static final class Output {
        private final StringBuilder text = new StringBuilder();

        Output(Process p) {
            Thread t = new Thread(() -> {
                try (InputStreamReader r = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
                    char[] buf = new char[4096];
                    for (int n; (n = r.read(buf)) > 0; ) {
                        synchronized (text) {
                            text.append(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        boolean contains(String s) {
            synchronized (text) {
                return text.indexOf(s) >= 0;
            }
        }

        void await(String s) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                synchronized (text) {
                    if (text.indexOf(s) >= 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no '" + s + "' in debugger output: " + text);
        }
    }
}
