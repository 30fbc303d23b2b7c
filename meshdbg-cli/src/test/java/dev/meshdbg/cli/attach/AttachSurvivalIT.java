package dev.meshdbg.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** {@code meshdbg attach --local} as a real process: Ctrl-C, and a SIGKILLed meshdbg while a client holds the target. */
class AttachSurvivalIT {
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

    @Test
    void meshdbgSigkilledWhileAClientIsStoppedAtABreakpoint() throws Exception {
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            Cli cli = Cli.start(dir, "--pid", Long.toString(envoy.pid()), "-o", "json");
            started.add(cli.process.toHandle());
            int port = cli.await("ready").path("port").asInt();
            ProcessHandle agent = cli.process.toHandle().children().findFirst().orElseThrow();
            started.add(agent);

            Process gdb = new ProcessBuilder("gdb", "-nx", "-q", build.binary().toString()).redirectErrorStream(true).start();
            started.add(gdb.toHandle());
            Output out = new Output(gdb);
            OutputStream in = gdb.getOutputStream();
            send(in, "set pagination off\nset confirm off\ntarget remote 127.0.0.1:" + port + "\n"
                    + "break envoy_like.cc:" + build.line("handler") + "\ncontinue\n");
            Thread poke = new Thread(() -> {
                try {
                    envoy.get("/held", Duration.ofSeconds(60));
                } catch (IOException ignored) {
                    // answered after the target resumes, or never
                }
            });
            poke.setDaemon(true);
            poke.start();
            out.await("Breakpoint 1,");
            assertThat(envoy.state()).isEqualTo("t");

            cli.process.destroyForcibly(); // kill -9 meshdbg
            cli.process.waitFor();
            Thread.sleep(500);
            assertThat(agent.isAlive()).as("the agent keeps guarding while the client holds the target").isTrue();

            gdb.destroyForcibly(); // the client goes away too, still stopped at the breakpoint
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (envoy.state().equals("t") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(envoy.state()).isNotEqualTo("t");
            // The breakpoint is gone: passing the handler again does not kill the target with SIGTRAP.
            assertThat(envoy.get("/after", Duration.ofSeconds(5))).startsWith("GET /after");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
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
