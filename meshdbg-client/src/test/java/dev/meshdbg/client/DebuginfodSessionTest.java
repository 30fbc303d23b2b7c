package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stripped envoy-like whose debug info is only on a real debuginfod server: gdb and lldb, run
 * with meshdbg's command files and without DEBUGINFOD_URLS in their own environment, fetch it by
 * build-id and resolve breakpoints by function name and by file and line, and read a variable.
 */
class DebuginfodSessionTest {
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    static Path stripped;
    static DebuginfodServer server;

    @TempDir
    Path session;
    EnvoyLikeProcess target;
    LiveSession live = new LiveSession();

    @BeforeAll
    static void serveTheDebugInfo() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "SKIPPED: debuginfod runs in its own network namespace, which needs root");
        for (String tool : List.of("debuginfod", "socat", "unshare", "ip", "strip")) {
            assumeTrue(onPath(tool), "SKIPPED: " + tool + " is not installed (./setup.sh installs it)");
        }
        build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);
        Path served = Files.createDirectories(dir.resolve("served"));
        Files.copy(build.binary(), served.resolve("envoy-like"));
        stripped = Files.createDirectories(dir.resolve("run")).resolve("envoy-like");
        Process strip = new ProcessBuilder("strip", "--strip-all", "-o", stripped.toString(), build.binary().toString()).inheritIO().start();
        assertThat(strip.waitFor()).isZero();
        server = DebuginfodServer.start(served, dir);
        assertThat(server.awaitServed(buildId(stripped), "debuginfo")).as("debuginfod serves the debug info").isEqualTo(200);
        assertThat(server.awaitServed(buildId(stripped), "executable")).isEqualTo(200);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void killEverything() {
        live.close();
        if (target != null) {
            target.close();
        }
    }

    @Test
    void gdbFetchesTheDebugInfoByBuildId() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.GDB).isPresent(), "gdb is not installed (./setup.sh installs it)");
        DebuggerInstall gdb = Debuggers.find(Debugger.GDB);
        target = EnvoyLikeProcess.start(stripped);
        int port = LiveSession.freePort();
        live.startDebugServer(Debugger.GDB, target.pid(), port, session.resolve("gdbserver.log"));
        WrittenConfigs configs = ClientConfigs.write(spec(Debugger.GDB, port), session.resolve("out"), null,
                new ClientEnvironment(gdb, null, Debuginfod.parse(server.url)));
        assertThat(Files.readString(configs.gdbCommands())).contains("set debuginfod urls " + server.url + "\nset debuginfod enabled on\n");

        int line = build.line("handler");
        List<String> command = new ArrayList<>(DebuggerLauncher.command(gdb, configs.gdbCommands()));
        command.addAll(List.of("-nx", "-batch",
                "-ex", "break envoy_like::handle_request",
                "-ex", "break envoy_like.cc:" + line,
                "-ex", "continue",
                "-ex", "print request.path",
                "-ex", "detach"));
        live.keepRequesting(target);
        String out = live.runDebugger(command, session.resolve("gdb.log"),
                withoutUrls(Map.of("DEBUGINFOD_CACHE_PATH", session.resolve("cache").toString())));

        assertThat(out).contains("Downloading separate debug info for ")
                .containsPattern("Breakpoint 1 at 0x\\p{XDigit}+: file source/server/envoy_like.cc, line " + line + "\\.")
                .containsPattern("Breakpoint 2 at 0x\\p{XDigit}+: file source/server/envoy_like.cc, line " + line + "\\.")
                .contains("hit Breakpoint 1, envoy_like::handle_request")
                .contains("= \"/x\"")
                .contains("[Inferior 1 (process " + target.pid() + ") detached]");
        assertThat(session.resolve("cache").resolve(buildId(stripped)).resolve("debuginfo")).isRegularFile();
        assertStillServing();
    }

    @Test
    void lldbFetchesTheDebugInfoByBuildId() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.LLDB).isPresent(), "lldb is not installed (./setup.sh installs lldb-19)");
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        assumeTrue(Debuginfod.supportedBy(lldb), "SKIPPED: " + lldb.version() + " has no debuginfod locator (lldb 18 or newer has)");
        target = EnvoyLikeProcess.start(stripped);
        int port = LiveSession.freePort();
        live.startDebugServer(Debugger.LLDB, target.pid(), port, session.resolve("lldb-server.log"));
        WrittenConfigs configs = ClientConfigs.write(spec(Debugger.LLDB, port), session.resolve("out"), null,
                new ClientEnvironment(lldb, null, Debuginfod.parse(server.url)));
        assertThat(Files.readString(configs.lldbCommands()))
                .contains("settings set plugin.symbol-locator.debuginfod.server-urls " + server.url + "\n");

        int line = build.line("handler");
        List<String> command = new ArrayList<>(DebuggerLauncher.command(lldb, configs.lldbCommands()));
        command.addAll(List.of("--no-lldbinit", "-b",
                "-o", "breakpoint set -n envoy_like::handle_request",
                "-o", "breakpoint set -f envoy_like.cc -l " + line,
                "-o", "process continue",
                "-o", "frame variable request.path",
                "-o", "process detach"));
        live.keepRequesting(target);
        String out = live.runDebugger(command, session.resolve("lldb.log"),
                withoutUrls(Map.of("XDG_CACHE_HOME", session.resolve("xdg").toString())));

        assertThat(out).containsPattern("Breakpoint 1: where = envoy-like`envoy_like::handle_request\\(.*\\) \\+ \\d+ at envoy_like.cc:" + line)
                .containsPattern("Breakpoint 2: where = envoy-like`envoy_like::handle_request\\(.*\\) \\+ \\d+ at envoy_like.cc:" + line)
                .contains("stop reason = breakpoint 1.1")
                .contains("request.path = \"/x\"")
                .contains("Process " + target.pid() + " detached");
        try (var files = Files.list(session.resolve("xdg/llvm-debuginfod/client"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("llvmcache-"));
        }
        assertStillServing();
    }

    private SessionSpec spec(Debugger debugger, int port) {
        SourceMap map = SourceMap.of(List.of(new SourceMap.Entry(EnvoyLike.REMOTE_ROOT, build.workspace().toString())));
        return new SessionSpec(debugger, "127.0.0.1", port, stripped, map, List.of(),
                Path.of("/proc/" + target.pid() + "/root"), "debuginfod-test");
    }

    /** The debugger's environment: no DEBUGINFOD_URLS (the servers must come from meshdbg's file), its own cache. */
    private static Map<String, String> withoutUrls(Map<String, String> set) {
        Map<String, String> env = new HashMap<>(set);
        env.put("DEBUGINFOD_URLS", null);
        return env;
    }

    private void assertStillServing() throws Exception {
        live.stopRequesting();
        assertThat(live.responses).anyMatch(r -> r.startsWith("GET /x #"));
        assertThat(target.isAlive()).isTrue();
        assertThat(target.serves(Duration.ofSeconds(5))).isTrue();
    }

    private static String buildId(Path binary) {
        try (ElfFile elf = ElfFile.open(binary)) {
            return elf.buildId().orElseThrow().hex();
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }
}
