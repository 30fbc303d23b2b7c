package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated command files driving real debuggers against a running envoy-like: a breakpoint at
 * the handler's line must stop there with the source shown through the source map (the debug info
 * says /proc/self/cwd/...), a variable must be readable, and after detach the target keeps serving.
 */
class RealDebuggerSessionTest {
    @TempDir
    static Path buildDir;
    static EnvoyLike.Build build;

    @TempDir
    Path dir;
    EnvoyLikeProcess target;
    LiveSession live = new LiveSession();

    @BeforeAll
    static void buildEnvoyLike() {
        build = EnvoyLike.build(buildDir, EnvoyLike.Compiler.GCC, false);
    }

    @AfterEach
    void killEverything() {
        live.close();
        if (target != null) {
            target.close();
        }
    }

    @Test
    void gdbStopsAtTheHandlerLineThroughTheSourceMapAndDetaches() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.GDB).isPresent(), "gdb is not installed (./setup.sh installs it)");
        DebuggerInstall gdb = Debuggers.find(Debugger.GDB);
        target = EnvoyLikeProcess.start(build.binary());
        int port = LiveSession.freePort();
        live.startDebugServer(Debugger.GDB, target.pid(), port, dir.resolve("gdbserver.log"));

        WrittenConfigs configs = ClientConfigs.write(spec(Debugger.GDB, port), dir.resolve("out"), build.workspace(),
                new ClientEnvironment(gdb, null));
        int line = build.line("handler");
        List<String> command = new ArrayList<>(DebuggerLauncher.command(gdb, configs.gdbCommands()));
        command.addAll(List.of("-nx", "-batch",
                "-ex", "break envoy_like.cc:" + line,
                "-ex", "continue",
                "-ex", "print request.path",
                "-ex", "detach"));
        live.keepRequesting(target);
        String out = live.runDebugger(command, dir.resolve("gdb.log"));

        assertThat(out).contains("hit Breakpoint 1, envoy_like::handle_request")
                .contains("at source/server/envoy_like.cc:" + line)
                // gdb prints the line's text only when it found the file through substitute-path.
                .contains(line + "\t  long request_number = ++requests_served;  // @line handler")
                .doesNotContain("envoy_like.cc: No such file")
                .contains("= \"/x\"")
                .contains("[Inferior 1 (process " + target.pid() + ") detached]");
        assertStillServing();
    }

    @Test
    void lldbStopsAtTheHandlerLineThroughTheSourceMapAndDetaches() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.LLDB).isPresent(), "lldb is not installed (./setup.sh installs lldb-19)");
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        target = EnvoyLikeProcess.start(build.binary());
        int port = LiveSession.freePort();
        live.startDebugServer(Debugger.LLDB, target.pid(), port, dir.resolve("lldb-server.log"));

        Path cache = dir.resolve("index-cache");
        WrittenConfigs configs = ClientConfigs.write(spec(Debugger.LLDB, port), dir.resolve("out"), build.workspace(),
                new ClientEnvironment(lldb, cache));
        int line = build.line("handler");
        List<String> command = new ArrayList<>(DebuggerLauncher.command(lldb, configs.lldbCommands()));
        command.addAll(List.of("--no-lldbinit", "-b",
                "-o", "breakpoint set -f envoy_like.cc -l " + line,
                "-o", "process continue",
                "-o", "frame variable request.path",
                "-o", "image list libc.so.6",
                "-o", "process detach"));
        live.keepRequesting(target);
        String out = live.runDebugger(command, dir.resolve("lldb.log"));

        assertThat(out).contains("stop reason = breakpoint 1.1")
                .contains("envoy_like::handle_request(request=")
                .contains("at envoy_like.cc:" + line)
                // lldb shows the source around the stop only when target.source-map found the file.
                .containsPattern("-> " + line + "\\s+long request_number = \\+\\+requests_served;")
                .contains("request.path = \"/x\"")
                // The sysroot made lldb read the target's libc from the target's own root.
                .contains("/proc/" + target.pid() + "/root/")
                .contains("Process " + target.pid() + " detached");
        if (lldb.indexCacheTrusted()) {
            try (var files = Files.list(cache)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains("envoy-like"));
            }
        }
        assertStillServing();
    }

    /**
     * The CodeLLDB entry written to launch.json, played the way CodeLLDB's manual describes an
     * attach (initCommands, targetCreateCommands, sourceMap, preRunCommands, processCreateCommands),
     * with ${workspaceFolder} expanded as VSCode does, on a real lldb against a real lldb-server.
     */
    @Test
    void theCodeLldbEntryCommandsWorkOnARealLldb() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.LLDB).isPresent(), "lldb is not installed (./setup.sh installs lldb-19)");
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        target = EnvoyLikeProcess.start(build.binary());
        int port = LiveSession.freePort();
        live.startDebugServer(Debugger.LLDB, target.pid(), port, dir.resolve("lldb-server.log"));
        WrittenConfigs configs = ClientConfigs.write(spec(Debugger.LLDB, port), dir.resolve("out"), build.workspace(),
                new ClientEnvironment(lldb, null));

        JsonNode entry = new ObjectMapper().readTree(configs.launchJson().toFile()).get("configurations").get(0);
        assertThat(entry.get("type").asText()).isEqualTo("lldb");
        List<String> sequence = new ArrayList<>();
        entry.get("initCommands").forEach(c -> sequence.add(c.asText()));
        entry.get("targetCreateCommands").forEach(c -> sequence.add(c.asText()));
        StringBuilder map = new StringBuilder("settings set target.source-map");
        entry.get("sourceMap").fields().forEachRemaining(f -> map.append(" \"").append(f.getKey()).append("\" \"")
                .append(f.getValue().asText().replace("${workspaceFolder}", build.workspace().toString())).append('"'));
        sequence.add(map.toString());
        entry.get("preRunCommands").forEach(c -> sequence.add(c.asText()));
        entry.get("processCreateCommands").forEach(c -> sequence.add(c.asText()));
        int line = build.line("handler");
        sequence.addAll(List.of("breakpoint set -f envoy_like.cc -l " + line, "process continue",
                "frame variable request.path", "process detach"));
        List<String> command = new ArrayList<>(List.of(lldb.executable().toString(), "--no-lldbinit", "-b"));
        sequence.forEach(c -> command.addAll(List.of("-o", c)));
        live.keepRequesting(target);
        String out = live.runDebugger(command, dir.resolve("codelldb.log"));

        assertThat(out).contains("stop reason = breakpoint 1.1")
                .containsPattern("-> " + line + "\\s+long request_number = \\+\\+requests_served;")
                .contains("request.path = \"/x\"")
                .contains("Process " + target.pid() + " detached");
        assertStillServing();
    }

    private SessionSpec spec(Debugger debugger, int port) {
        SourceMap map = SourceMap.of(List.of(new SourceMap.Entry(EnvoyLike.REMOTE_ROOT, build.workspace().toString())));
        return new SessionSpec(debugger, "127.0.0.1", port, build.binary(), map, List.of(build.binary().getParent()),
                Path.of("/proc/" + target.pid() + "/root"), "envoy-like-test");
    }

    /** After detach: the target runs (not stopped by a tracer) and answers, including the request that hit the breakpoint. */
    private void assertStillServing() throws Exception {
        live.stopRequesting();
        assertThat(live.responses).anyMatch(r -> r.startsWith("GET /x #"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!target.state().equals("S") && !target.state().equals("R") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(target.isAlive()).isTrue();
        assertThat(target.state()).isIn("S", "R");
        assertThat(target.serves(Duration.ofSeconds(5))).isTrue();
    }
}
