package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.guard.Guard;
import dev.meshdbg.agent.guard.GuardListener;
import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.agent.server.DebugServerLocator;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster path with real parts on both ends: gdb, the session's loopback forward, the mock API
 * server's port-forward websocket, the real guard and gdbserver, and envoy-like serving requests.
 * gdb stops envoy-like at a breakpoint, then the forward drops: the guard must detach (removing any
 * breakpoint still in memory) and let it serve; a new gdb then connects again through the same local port.
 */
class GuardThroughForwardTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();
    private final List<Process> debuggers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : debuggers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private <T extends AutoCloseable> T started(T thing) {
        started.add(thing);
        return thing;
    }

    @Test
    void aDroppedForwardLeavesEnvoyRunningAndTheDebuggerReconnects() throws Exception {
        Assumptions.assumeTrue(DebugServerLocator.find(DebugServer.Kind.GDBSERVER, Path.of("/")).isPresent()
                && onPath("gdb") && onPath("g++"), "needs gdb, gdbserver and g++");
        EnvoyLike.Build build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);
        EnvoyLikeProcess envoy = started(EnvoyLikeProcess.start(build.binary()));
        String gdbserver = DebugServerLocator.locate(DebugServer.Kind.GDBSERVER, Path.of("/"));
        List<String> guardEvents = new CopyOnWriteArrayList<>();
        Guard guard = started(new Guard(new Guard.Config(0, null, null, false, DebugServer.Kind.GDBSERVER, "", FakeAgent.KEY, true),
                () -> new DebugServer(new DebugServer.Spec(DebugServer.Kind.GDBSERVER, List.of(), gdbserver, envoy.pid())),
                new GuardListener() {
                    @Override
                    public void clientConnected(String peer) {
                        guardEvents.add("client-connected");
                    }

                    @Override
                    public void clientDisconnected(String reason) {
                        guardEvents.add("client-disconnected " + reason);
                    }

                    @Override
                    public void detached(String reason, int breakpointsRemoved) {
                        guardEvents.add("detached " + breakpointsRemoved);
                    }
                }));
        int guardPort = guard.start().getPort();
        FakeCluster cluster = started(new FakeCluster());
        cluster.agent(FakeAgent.readyOn(guardPort));

        new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), new SessionListener() {
        }).run(ctx -> {
            String remote = "target remote " + ctx.endpoint().address();
            Path first = dir.resolve("gdb-1.out");
            AtomicBoolean requesting = new AtomicBoolean(true);
            Thread requests = new Thread(() -> {
                while (requesting.get()) {
                    try {
                        envoy.get("/hello", Duration.ofSeconds(5)); // the handler runs while gdb waits for it
                    } catch (java.io.IOException e) {
                        // a stopped target times out: ask again
                    }
                }
            });
            requests.setDaemon(true);
            requests.start();
            gdb(first, build, remote, "break " + EnvoyLike.SERVER_SOURCE + ":" + build.line("handler"), "continue",
                    "print request.path", "shell sleep 120");
            String stopped = awaitOutput(first, "= \"/hello\"");
            assertThat(stopped).contains("Breakpoint 1, envoy_like::handle_request");
            assertThat(envoy.state()).as("stopped at the breakpoint").isEqualTo("t");
            requesting.set(false);

            cluster.relay().dropAll(); // the port-forward is lost while Envoy is stopped
            // gdb takes its breakpoints out of memory whenever the target stops, so the guard may find none left to remove.
            awaitTrue(() -> guardEvents.stream().anyMatch(e -> e.startsWith("detached")), guardEvents);
            awaitTrue(() -> envoy.serves(Duration.ofSeconds(2)), "envoy-like serves again");
            assertThat(envoy.state()).isNotEqualTo("t");

            Path second = dir.resolve("gdb-2.out");
            Process again = gdb(second, build, remote, "info registers rip", "detach");
            assertThat(again.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(second)).containsPattern("rip\\s+0x")
                    .contains("[Inferior 1 (process " + envoy.pid() + ") detached]");
        });

        // Many requests later the breakpoint is still gone: no SIGTRAP, still serving.
        for (int i = 0; i < 5; i++) {
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(envoy.isAlive()).isTrue();
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    private Process gdb(Path output, EnvoyLike.Build build, String... commands) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("gdb", "-nx", "-batch",
                "-ex", "set pagination off", "-ex", "set confirm off", "-ex", "set sysroot /",
                "-ex", "set substitute-path " + EnvoyLike.REMOTE_ROOT + " " + build.workspace(),
                "-ex", "file " + build.binary()));
        for (String c : commands) {
            cmd.add("-ex");
            cmd.add(c);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        debuggers.add(p);
        return p;
    }

    private static String awaitOutput(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.exists(file) ? Files.readString(file) : "";
            if (out.contains(text)) {
                return out;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in gdb's output: " + Files.readString(file));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Object what) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
