package dev.meshdbg.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent process end to end: events, the guard in front of a server in the target's namespaces, exit codes. */
class AgentProcessTest {
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    static String name;
    static Path binary;

    @BeforeAll
    static void build() throws Exception {
        build = EnvoyLike.build(dir.resolve("gcc"), EnvoyLike.Compiler.GCC, false);
        name = Fixtures.uniqueName();
        binary = Fixtures.renamed(build, name);
    }

    @Test
    void podInNewNamespacesWithGdbThenLldbThroughTheGuard() throws Exception {
        Assumptions.assumeTrue(Fixtures.root() && Fixtures.onPath("unshare") && Fixtures.onPath("nsenter"),
                "SKIPPED: needs root, unshare and nsenter for PID/mount/UTS namespaces");
        String pod = "pod-" + name.substring(0, 4);
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(LocalTargetTest.unshare(pod), binary)) {
            for (String debugger : new String[] {"gdb", "lldb"}) {
                try (AgentRun agent = AgentRun.start("--pod", pod, "--name", name, "--debugger", debugger,
                        "--symbols-build-id", buildId())) {
                    String resolved = agent.await("resolved", 30);
                    assertThat(AgentRun.field(resolved, "hostPid")).isEqualTo(Long.toString(envoy.pid()));
                    assertThat(AgentRun.field(resolved, "innerPid")).isEqualTo("1");
                    assertThat(AgentRun.field(resolved, "hostname")).isEqualTo(pod);
                    assertThat(AgentRun.field(agent.await("verified", 10), "match")).isEqualTo("true");
                    String ready = agent.await("ready", 10);
                    assertThat(AgentRun.field(ready, "address")).isEqualTo("127.0.0.1");
                    assertThat(AgentRun.field(ready, "namespaces")).isEqualTo("entered");
                    int port = agent.forward(ready);
                    int line = build.line("handler");
                    String out = debugger.equals("gdb")
                            ? DebugClients.gdb(envoy, port, build.binary(), line, "request.path")
                            : DebugClients.lldb(envoy, port, build.binary(), line, "request_number");
                    assertThat(out).contains("envoy_like.cc:" + line);
                    agent.await("client-disconnected", 10);
                    LocalTargetTest.awaitRunning(envoy);
                    // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
                    agent.process.toHandle().destroy();
                    agent.await("done", 15);
                    assertThat(agent.exit(10)).isZero();
                }
                LocalTargetTest.awaitRunning(envoy);
            }
        }
    }

    @Test
    void badInputIsAnErrorEventAndExitCode2() throws Exception {
        try (AgentRun agent = AgentRun.start("--pid", "999999999")) {
            String error = agent.await("error", 30);
            assertThat(AgentRun.field(error, "kind")).isEqualTo("BAD_INPUT");
            assertThat(AgentRun.field(error, "message")).contains("no process with pid 999999999");
            assertThat(agent.exit(10)).isEqualTo(2);
        }
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(binary);
             AgentRun agent = AgentRun.start("--pid", Long.toString(envoy.pid()), "--server", "/nonexistent/gdbserver")) {
            assertThat(AgentRun.field(agent.await("error", 30), "message")).contains("debug server /nonexistent/gdbserver not found");
            assertThat(agent.exit(10)).isEqualTo(2);
        }
    }

    @Test
    void portInUseIsBadInputAndTheTargetIsUntouched() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             EnvoyLikeProcess envoy = EnvoyLikeProcess.start(binary);
             AgentRun agent = AgentRun.start("--pid", Long.toString(envoy.pid()), "--port", Integer.toString(taken.getLocalPort()))) {
            String error = agent.await("error", 30);
            assertThat(AgentRun.field(error, "kind")).isEqualTo("BAD_INPUT");
            assertThat(AgentRun.field(error, "message")).contains("port " + taken.getLocalPort()).contains("in use");
            assertThat(agent.exit(10)).isEqualTo(2);
            assertThat(envoy.state()).isNotEqualTo("t");
            assertThat(envoy.serves(java.time.Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void noPermissionToInspectTheTargetIsBadInput() throws Exception {
        Assumptions.assumeTrue(Fixtures.root() && Fixtures.onPath("setpriv"), "SKIPPED: needs root and setpriv to become nobody");
        // As nobody, with only our own classes, copied where nobody can read them: the Maven
        // repository is private to root, and so may be the checkout (a clone under /root).
        Path copy = Files.createTempDirectory("meshdbg-nobody-");
        try {
            String classes = readableCopy(location(dev.meshdbg.agent.AgentMain.class), copy.resolve("agent"))
                    + java.io.File.pathSeparator + readableCopy(location(dev.meshdbg.symbols.BuildId.class), copy.resolve("symbols"));
            Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            runAsNobody(classes);
        } finally {
            try (var walk = Files.walk(copy)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void runAsNobody(String classes) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                ProcessHandle.current().info().command().orElse("java"), "-cp", classes, "dev.meshdbg.agent.AgentMain",
                "--pid", "1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(2);
        assertThat(out).contains("\"kind\":\"BAD_INPUT\"").contains("no permission to inspect pid 1");
    }

    /** A world-readable copy of a class directory (or jar). */
    private static String readableCopy(String from, Path to) throws Exception {
        Path source = Path.of(from);
        try (var walk = Files.walk(source)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
                Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return to.toString();
    }

    static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    static String buildId() {
        return dev.meshdbg.agent.proc.SymbolsCheck.Expected.of(build.binary()).buildId().orElseThrow().hex();
    }
}
