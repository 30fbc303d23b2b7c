package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index-cache decision on the installed lldb: for a trusted lldb the command file turns the
 * cache on, the cold run fills it, and the warm run resolves the very same breakpoint locations.
 * No debug server here (the connect at the end of the file fails): only symbol loading is measured.
 */
class LldbIndexCacheTest {
    @TempDir
    Path dir;

    @Test
    void aTrustedLldbFillsTheCacheAndFindsTheSameBreakpointsWarm() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.LLDB).isPresent(), "lldb is not installed (./setup.sh installs lldb-19)");
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        EnvoyLike.Build build = EnvoyLike.build(dir.resolve("build"), EnvoyLike.Compiler.GCC, false);
        Path cache = dir.resolve("cache");
        SessionSpec spec = SessionSpec.loopback(Debugger.LLDB, LiveSession.freePort(), build.binary(),
                SourceMap.of(List.of(new SourceMap.Entry(EnvoyLike.REMOTE_ROOT, build.workspace().toString()))), "cache-test");
        WrittenConfigs configs = ClientConfigs.write(spec, dir.resolve("out"), null, new ClientEnvironment(lldb, cache));
        String file = Files.readString(configs.lldbCommands());

        if (!lldb.indexCacheTrusted()) {
            assertThat(file).doesNotContain("enable-lldb-index-cache");
            return;
        }
        assertThat(file).contains("settings set symbols.enable-lldb-index-cache true")
                .contains("settings set symbols.lldb-index-cache-path " + cache);
        List<String> cold = breakpoints(lldb, configs.lldbCommands(), build, "cold");
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.contains("envoy-like") && n.contains("dwarf-index"));
        }
        List<String> warm = breakpoints(lldb, configs.lldbCommands(), build, "warm");

        assertThat(cold).hasSize(2).allMatch(l -> l.contains("at envoy_like.cc:" + build.line("handler")));
        assertThat(warm).isEqualTo(cold);
    }

    /** The "Breakpoint N: where = ..." lines lldb prints for a function and a file:line breakpoint. */
    private List<String> breakpoints(DebuggerInstall lldb, Path commands, EnvoyLike.Build build, String run) throws Exception {
        List<String> command = new ArrayList<>(DebuggerLauncher.command(lldb, commands));
        command.addAll(List.of("--no-lldbinit", "-b",
                "-o", "breakpoint set -n envoy_like::handle_request",
                "-o", "breakpoint set -f envoy_like.cc -l " + build.line("handler")));
        try (LiveSession live = new LiveSession()) {
            String out = live.runDebugger(command, dir.resolve(run + ".log"));
            return out.lines().filter(l -> l.startsWith("Breakpoint ") && l.contains("where =")).toList();
        }
    }
}
