package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdbg.client.gdb.GdbCommandFile;
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
 * gdb's index cache as the written command file sets it, on the installed gdb: the cold run writes
 * an index named by the binary's build-id into meshdbg's directory, and the warm run, which reads
 * it, resolves the very same breakpoint locations. No debug server (the file's {@code target
 * remote} fails): only symbol loading is exercised.
 */
class GdbIndexCacheTest {
    @TempDir
    Path dir;

    @Test
    void gdbFillsTheCacheAndFindsTheSameBreakpointsWarm() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.GDB).isPresent(), "gdb is not installed (./setup.sh installs it)");
        DebuggerInstall gdb = Debuggers.find(Debugger.GDB);
        EnvoyLike.Build build = EnvoyLike.build(dir.resolve("build"), EnvoyLike.Compiler.GCC, false);
        ClientEnvironment env = new ClientEnvironment(gdb, dir.resolve("cache").resolve("lldb-index-cache"));
        SessionSpec spec = SessionSpec.loopback(Debugger.GDB, LiveSession.freePort(), build.binary(),
                SourceMap.of(List.of(new SourceMap.Entry(EnvoyLike.REMOTE_ROOT, build.workspace().toString()))), "cache-test");
        WrittenConfigs configs = ClientConfigs.write(spec, dir.resolve("out"), null, env);
        assumeTrue(!GdbCommandFile.indexCacheCommands(env).isEmpty(), gdb.version() + " has no index cache");
        assertThat(Files.readString(configs.gdbCommands())).contains("set index-cache directory " + env.gdbIndexCacheDir());

        List<String> cold = breakpoints(gdb, configs.gdbCommands(), build, "cold");
        try (Stream<Path> entries = Files.list(env.gdbIndexCacheDir())) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.endsWith(".gdb-index"));
        }
        List<String> warm = breakpoints(gdb, configs.gdbCommands(), build, "warm");

        assertThat(cold).hasSize(2).allMatch(l -> l.contains("envoy_like.cc:" + build.line("handler")));
        assertThat(warm).isEqualTo(cold);
    }

    /** The breakpoint rows of {@code info breakpoints} (number, address, function, file:line). */
    private List<String> breakpoints(DebuggerInstall gdb, Path commands, EnvoyLike.Build build, String run) throws Exception {
        List<String> command = new ArrayList<>(DebuggerLauncher.command(gdb, commands));
        command.addAll(List.of("-nx", "-batch",
                "-ex", "break envoy_like::handle_request",
                "-ex", "break envoy_like.cc:" + build.line("handler"),
                "-ex", "info breakpoints"));
        try (LiveSession live = new LiveSession()) {
            String out = live.runDebugger(command, dir.resolve(run + ".log"));
            return out.lines().filter(l -> l.matches("^\\d+\\s+breakpoint .*")).toList();
        }
    }
}
