package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.agent.server.DebugServerLocator;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real parts for guard tests: envoy-like (built once per class), a guard in front of a real
 * gdbserver or lldb-server, real gdb and lldb clients. Everything started is killed after each test.
 */
abstract class GuardTestBase {
    static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    static Path buildDir;
    static EnvoyLike.Build build;

    EnvoyLikeProcess envoy;
    Guard guard;
    int guardPort;
    final RecordingListener events = new RecordingListener();
    final AtomicInteger serversStarted = new AtomicInteger();
    private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void buildEnvoyLike() {
        for (String tool : List.of("g++", "gdb", "gdbserver", "lldb-19")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (./setup.sh installs it)");
        }
        build = EnvoyLike.build(buildDir, EnvoyLike.Compiler.GCC, false);
    }

    @BeforeEach
    void startEnvoyLike() throws IOException {
        envoy = started(EnvoyLikeProcess.start(build.binary()));
    }

    @AfterEach
    void stopEverything() {
        System.out.println("---- guard events\n" + events);
        List<AutoCloseable> all = new ArrayList<>(started);
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Keep cleaning up.
            }
        }
    }

    <T extends AutoCloseable> T started(T thing) {
        started.add(thing);
        return thing;
    }

    int startGuard(DebugServer.Kind kind, Duration maxPause, Duration idle, boolean allowKill) {
        return startGuard(new Guard.Config(0, maxPause, idle, allowKill, kind), serverBinary(kind));
    }

    int startGuard(Guard.Config config, String serverBinary) {
        long pid = envoy.pid();
        guard = started(new Guard(config, () -> {
            serversStarted.incrementAndGet();
            return started(new DebugServer(new DebugServer.Spec(config.kind(), List.of(), serverBinary, pid)));
        }, events));
        guardPort = guard.start().getPort();
        return guardPort;
    }

    static String serverBinary(DebugServer.Kind kind) {
        return DebugServerLocator.locate(kind, Path.of("/"));
    }

    DebuggerProcess gdb(String... then) throws IOException {
        return gdb(guardPort, then);
    }

    DebuggerProcess gdb(int port, String... then) throws IOException {
        return gdb(port, false, then);
    }

    /** gdb in non-stop mode: a stop holds only the thread that stopped, and the others run on. */
    DebuggerProcess gdbNonStop(String... then) throws IOException {
        return gdb(guardPort, true, then);
    }

    private DebuggerProcess gdb(int port, boolean nonStop, String... then) throws IOException {
        List<String> commands = new ArrayList<>(List.of("set pagination off", "set confirm off",
                "set non-stop " + (nonStop ? "on" : "off"),
                "set substitute-path /proc/self/cwd " + build.workspace(), "set sysroot /",
                "file " + build.binary(), "target remote 127.0.0.1:" + port));
        commands.addAll(List.of(then));
        return started(DebuggerProcess.gdb(commands));
    }

    DebuggerProcess lldb(String... then) throws IOException {
        return lldb(guardPort, then);
    }

    DebuggerProcess lldb(int port, String... then) throws IOException {
        List<String> commands = new ArrayList<>(List.of(
                "settings set target.source-map /proc/self/cwd " + build.workspace(),
                "target create " + build.binary(), "gdb-remote 127.0.0.1:" + port));
        commands.addAll(List.of(then));
        return started(DebuggerProcess.lldb(commands));
    }

    String heartbeat() {
        return EnvoyLike.SERVER_SOURCE.substring(EnvoyLike.SERVER_SOURCE.lastIndexOf('/') + 1) + ":" + build.line("heartbeat");
    }

    String handler() {
        return EnvoyLike.SERVER_SOURCE.substring(EnvoyLike.SERVER_SOURCE.lastIndexOf('/') + 1) + ":" + build.line("handler");
    }

    /**
     * The guarantee: within 2 s the target is not stopped and serves; a few seconds later (tens of
     * passes over the heartbeat line, where a leftover int3 would kill it) it still does.
     */
    void assertSurvives() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (envoy.state().equals("t") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(envoy.state()).as("state within 2 s\n" + events).isNotEqualTo("t");
        assertThat(envoy.serves(Duration.ofSeconds(2))).as("serves\n" + events).isTrue();
        Thread.sleep(3000);
        assertThat(envoy.isAlive()).as("alive 3 s later\n" + events).isTrue();
        assertThat(envoy.state()).as("state 3 s later").isNotEqualTo("t");
        assertThat(envoy.serves(Duration.ofSeconds(2))).as("serves 3 s later\n" + events).isTrue();
        assertThat(envoy.stoppedThreads()).as("threads stopped 3 s later\n" + events).isEmpty();
        assertThat(envoy.everyWorkerServes(Duration.ofSeconds(10))).as("every worker serves 3 s later\n" + events).isTrue();
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
