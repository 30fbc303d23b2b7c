package dev.meshdbg.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.demo.EnvoyLikeRelease;
import dev.meshdbg.symbols.fetch.Bucket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The no-rebuild path on this machine: a stripped, separately linked, optimized envoy-like runs
 * with ISTIO_META_ISTIO_PROXY_SHA in its environment, as the stock sidecar does; {@code meshdbg
 * attach --local} without {@code --symbols} fetches the release symbols and .dwp from a bucket on
 * 127.0.0.1, proves them by code, and real lldb-19 debugs the optimized code through the guard.
 */
class ReleaseSymbolsAttachTest {
    static final String SHA = "6ed2bb2f175eb715580ca1d49673bf3b0eb19952";

    @TempDir
    static Path dir;
    static EnvoyLikeRelease.Build build;
    static Bucket bucket;
    final List<ProcessHandle> started = new ArrayList<>();

    @BeforeAll
    static void buildAndPublish() throws IOException {
        Assumptions.assumeTrue(onPath("clang++-14") && onPath("lldb-19") && onPath("lldb-server-19"),
                "SKIPPED: needs clang++-14, lldb-19 and lldb-server-19");
        build = EnvoyLikeRelease.build(dir.resolve("build"), SHA);
        EnvoyLikeRelease.publish(build, dir.resolve("bucket"));
        bucket = new Bucket(dir.resolve("bucket"));
    }

    @AfterAll
    static void stopBucket() throws IOException {
        if (bucket != null) {
            bucket.close();
        }
    }

    @AfterEach
    void cleanUp() {
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    EnvoyLikeProcess stockEnvoy(String shaEnv) throws IOException {
        List<String> wrapper = shaEnv == null ? List.of() : List.of("env", "ISTIO_META_ISTIO_PROXY_SHA=" + shaEnv);
        return EnvoyLikeProcess.start(wrapper, build.stripped());
    }

    @Test
    void attachWithoutSymbolsFetchesThemBySha_andLldbDebugsTheOptimizedCode() throws Exception {
        Path cache = dir.resolve("cache-attach");
        try (EnvoyLikeProcess envoy = stockEnvoy("istio-proxy:" + SHA)) {
            Cli cli = Cli.start(cache, "attach", "--local", "--pid", Long.toString(envoy.pid()), "--symbols-url", bucket.base(),
                    "--out", dir.resolve("out").toString(), "-o", "json");
            started.add(cli.process.toHandle());
            JsonNode symbols = cli.await("symbols");
            Path fetched = cache.resolve("meshdbg/symbols").resolve(SHA).resolve("envoy");
            assertThat(symbols.path("path").asText()).isEqualTo(fetched.toString());
            assertThat(symbols.path("proxySha").asText()).isEqualTo(SHA);
            assertThat(symbols.path("shaFrom").asText()).isEqualTo("ISTIO_META_ISTIO_PROXY_SHA of pid " + envoy.pid());
            assertThat(symbols.path("debugger").asText()).isEqualTo("lldb");
            assertThat(symbols.path("debuggerReason").asText()).contains("gdb 13");
            assertThat(fetched.resolveSibling("envoy.dwp")).exists();
            JsonNode verified = cli.await("verified");
            assertThat(verified.path("method").asText()).as("the build-ids differ; the code is the same").isEqualTo("code-hash");
            assertThat(verified.path("match").asBoolean()).isTrue();
            JsonNode ready = cli.await("ready");
            String commands = ready.path("configs").path("lldb").asText();
            assertThat(Files.readString(Path.of(commands))).contains("target create --no-dependents " + fetched);

            int line = build.line("handler");
            Process lldb = new ProcessBuilder("lldb-19", "--no-lldbinit", "-b", "-s", commands,
                    "-o", "breakpoint set --file envoy_like.cc --line " + line,
                    "-o", "breakpoint set --name envoy_like::handle_request",
                    "-o", "continue", "-o", "bt 4", "-o", "frame select 1", "-o", "frame variable",
                    "-o", "continue", "-o", "detach").redirectErrorStream(true).start();
            started.add(lldb.toHandle());
            AtomicBoolean done = new AtomicBoolean();
            Thread poke = new Thread(() -> {
                while (!done.get()) {
                    try {
                        envoy.get("/release", Duration.ofSeconds(60));
                    } catch (IOException ignored) {
                        // answered after the target resumes, or never
                    }
                }
            });
            poke.setDaemon(true);
            poke.start();
            assertThat(lldb.waitFor(120, TimeUnit.SECONDS)).isTrue();
            done.set(true);
            String out = new String(lldb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).containsPattern("Breakpoint 1: where = envoy`envoy_like::handle_request")
                    .containsPattern("Breakpoint 2: where = envoy`envoy_like::handle_request")
                    .contains("stop reason = breakpoint 2.1")
                    .contains("[inlined]")
                    .contains("envoy_like::handle_request(request=")
                    .contains("path = \"/release\"")
                    .containsPattern("optimized out|not available")
                    .contains("stop reason = breakpoint 1.1")
                    .contains("Process " + envoy.pid() + " detached");

            new ProcessBuilder("kill", "-INT", Long.toString(cli.process.pid())).start().waitFor();
            assertThat(cli.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.process.exitValue()).isZero();
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void unknownShaNoServerOrForeignSymbols_oneLineExit2AndNothingAttached() throws Exception {
        Path cache = dir.resolve("cache-bad");
        String unknown = "0000000000000000000000000000000000000001";
        try (EnvoyLikeProcess envoy = stockEnvoy(unknown)) {
            Cli cli = Cli.start(cache, "attach", "--local", "--pid", Long.toString(envoy.pid()), "--symbols-url", bucket.base());
            started.add(cli.process.toHandle());
            cli.assertRefused("no Envoy symbols for istio/proxy " + unknown + " (from ISTIO_META_ISTIO_PROXY_SHA of pid "
                    + envoy.pid() + "): " + bucket.base() + "/envoy-symbol-" + unknown + ".tar.gz does not exist;"
                    + " pass symbols by hand with --symbols FILE (envoy.dwp beside it) or --symbols-dir DIR");
            assertThat(envoy.state()).isNotEqualTo("t");
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (EnvoyLikeProcess envoy = stockEnvoy(SHA)) {
            Cli cli = Cli.start(cache, "attach", "--local", "--pid", Long.toString(envoy.pid()),
                    "--symbols-url", "http://127.0.0.1:" + closed + "/proxy");
            started.add(cli.process.toHandle());
            String line = cli.refusedLine();
            assertThat(line).startsWith("meshdbg: cannot fetch http://127.0.0.1:" + closed + "/proxy/envoy-symbol-" + SHA)
                    .contains("Connect").endsWith("--symbols FILE (envoy.dwp beside it) or --symbols-dir DIR");

            // Symbols of another build (the -O0 twin of the same source): refused by the agent before any attach.
            Path foreign = build.workspace().resolve(EnvoyLike.OUTPUT);
            Cli mismatch = Cli.start(cache, "attach", "--local", "--pid", Long.toString(envoy.pid()), "--symbols", foreign.toString(),
                    "--debugger", "lldb");
            started.add(mismatch.process.toHandle());
            assertThat(mismatch.refusedLine()).startsWith("meshdbg: symbols do not match the running binary: the symbols have build-id ")
                    .contains("code-hash").contains("--symbols FILE, --symbols-dir DIR").endsWith("--ignore-build-id-mismatch");
            assertThat(mismatch.stdout).doesNotContain("Guard listening");
            assertThat(envoy.state()).isNotEqualTo("t");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void symbolsFetchByPidReadsTheVersionStringAndPrintsThePaths() throws Exception {
        Path cache = dir.resolve("cache-fetch");
        try (EnvoyLikeProcess envoy = stockEnvoy(null)) {
            Cli cli = Cli.start(cache, "symbols", "fetch", "--pid", Long.toString(envoy.pid()), "--symbols-url", bucket.base(), "-o", "json");
            started.add(cli.process.toHandle());
            assertThat(cli.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.process.exitValue()).as(cli.stderr()).isZero();
            JsonNode json = new ObjectMapper().readTree(cli.stdout.toString());
            Path entry = cache.resolve("meshdbg/symbols").resolve(SHA);
            assertThat(json.path("proxySha").asText()).isEqualTo(SHA);
            assertThat(json.path("shaFrom").asText()).isEqualTo("the version string of pid " + envoy.pid());
            assertThat(json.path("binary").asText()).isEqualTo(entry.resolve("envoy").toString());
            assertThat(json.path("dwp").asText()).isEqualTo(entry.resolve("envoy.dwp").toString());
            assertThat(json.path("cached").asBoolean()).isFalse();
            assertThat(cli.stderr()).contains("Fetching " + bucket.base() + "/envoy-symbol-" + SHA + ".tar.gz").contains("sha256 verified");
        }
        Cli again = Cli.start(cache, "symbols", "fetch", "--proxy-sha", "istio-proxy:" + SHA, "--symbols-dir", dir.resolve("bucket").toString());
        assertThat(again.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.stdout.toString()).contains("envoy.dwp  " + cache.resolve("meshdbg/symbols").resolve(SHA).resolve("envoy.dwp"))
                .contains("(already cached)");
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** meshdbg in its own JVM with its own cache directory (XDG_CACHE_HOME), its JSON events queued. */
    static final class Cli {
        final Process process;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final StringBuffer stdout = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();

        private Cli(Process process) {
            this.process = process;
            Thread out = new Thread(() -> {
                ObjectMapper json = new ObjectMapper();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        stdout.append(line).append('\n');
                        if (line.startsWith("{\"event\"")) {
                            events.add(json.readTree(line));
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            out.setDaemon(true);
            out.start();
            Thread err = new Thread(() -> {
                try {
                    stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // ended
                }
            });
            err.setDaemon(true);
            err.start();
        }

        static Cli start(Path cache, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main"));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("XDG_CACHE_HOME", cache.toString());
            return new Cli(pb.start());
        }

        String stderr() throws InterruptedException {
            Thread.sleep(100); // the reader may still be appending the last line
            return stderr.toString();
        }

        JsonNode await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                JsonNode e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && e.path("event").asText().equals(event)) {
                    return e;
                }
            }
            throw new AssertionError("no " + event + " event from meshdbg: " + stdout + stderr);
        }

        /** Exit 2 with exactly one line on stderr, returned. */
        String refusedLine() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = stderr().strip();
            assertThat(process.exitValue()).as(err).isEqualTo(2);
            assertThat(err.lines()).as(err).hasSize(1);
            return err;
        }

        void assertRefused(String message) throws InterruptedException {
            assertThat(refusedLine()).isEqualTo("meshdbg: " + message);
            assertThat(stdout.toString()).doesNotContain("Guard listening").doesNotContain("Target:");
        }
    }
}
