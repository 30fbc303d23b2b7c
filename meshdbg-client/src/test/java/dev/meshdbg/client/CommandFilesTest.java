package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.client.gdb.GdbCommandFile;
import dev.meshdbg.client.lldb.LldbCommandFile;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text of the command files: what is in them and in which order. */
class CommandFilesTest {
    static final SourceMap MAP = SourceMap.of(List.of(
            new SourceMap.Entry("/proc/self/cwd", "/src/envoy"),
            new SourceMap.Entry("/proc/self/cwd/external", "/cache/bazel/external")));
    static final DebuggerInstall LLDB19 = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb-19"),
            DebuggerVersion.parse(Debugger.LLDB, "lldb version 19.1.7"));
    static final DebuggerInstall LLDB14 = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb"),
            DebuggerVersion.parse(Debugger.LLDB, "lldb version 14.0.6"));

    static SessionSpec spec(Debugger debugger) {
        return new SessionSpec(debugger, "127.0.0.1", 40123, Path.of("/src/envoy/bazel-bin/envoy"), MAP,
                List.of(Path.of("/src/envoy/bazel-bin")), Path.of("/proc/4242/root"), "istio-proxy");
    }

    @Test
    void lldbFileTurnsTheCacheOnBeforeTheTargetAndConnectsLast() {
        String file = LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(LLDB19, Path.of("/home/u/.cache/meshdbg/lldb-index-cache")));
        List<String> commands = file.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(commands).containsExactly(
                "settings set symbols.enable-lldb-index-cache true",
                "settings set symbols.lldb-index-cache-path /home/u/.cache/meshdbg/lldb-index-cache",
                "platform select --sysroot /proc/4242/root remote-linux",
                "target create --no-dependents /src/envoy/bazel-bin/envoy",
                // Most specific prefix first, as the symbols module orders them.
                "settings set target.source-map /proc/self/cwd/external /cache/bazel/external /proc/self/cwd /src/envoy",
                "settings set target.exec-search-paths /src/envoy/bazel-bin",
                "gdb-remote 127.0.0.1:40123");
        assertThat(file).contains("# lldb 19.1.7 indexes correctly");
    }

    /** DEBUGINFOD_URLS' servers go into each file before the binary is loaded; gdb's "ask" is never left on. */
    @Test
    void debuginfodIsSetExplicitlyBeforeTheBinaryIsRead() {
        DebuggerInstall gdb13 = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
        Debuginfod servers = Debuginfod.parse(" https://debuginfod.debian.net\thttp://127.0.0.1:8002 ");
        assertThat(servers.urls()).containsExactly("https://debuginfod.debian.net", "http://127.0.0.1:8002");

        List<String> gdbOn = GdbCommandFile.render(spec(Debugger.GDB), new ClientEnvironment(gdb13, null, servers))
                .lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(gdbOn.subList(0, 3)).containsExactly(
                "set debuginfod urls https://debuginfod.debian.net http://127.0.0.1:8002",
                "set debuginfod enabled on",
                "file /src/envoy/bazel-bin/envoy");
        assertThat(GdbCommandFile.render(spec(Debugger.GDB), new ClientEnvironment(gdb13, null, Debuginfod.parse(""))))
                .contains("set debuginfod enabled off\nfile ").doesNotContain("debuginfod urls");
        // gdb 11 has no such setting, and an unknown setting ends gdb's reading of the file.
        DebuggerInstall gdb11 = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Ubuntu 11.1-0ubuntu2) 11.1"));
        assertThat(GdbCommandFile.render(spec(Debugger.GDB), new ClientEnvironment(gdb11, null, servers))).doesNotContain("debuginfod");

        List<String> lldbOn = LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(LLDB19, null, servers))
                .lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(lldbOn.subList(0, 3)).containsExactly(
                "settings set plugin.symbol-locator.debuginfod.server-urls https://debuginfod.debian.net http://127.0.0.1:8002",
                "platform select --sysroot /proc/4242/root remote-linux",
                "target create --no-dependents /src/envoy/bazel-bin/envoy");
        assertThat(LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(LLDB19, null, Debuginfod.NONE)))
                .doesNotContain("debuginfod");
        assertThat(LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(LLDB14, null, servers)))
                .doesNotContain("debuginfod");
    }

    @Test
    void lldb14GetsNoIndexCacheAndSaysWhy() {
        String file = LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(LLDB14, Path.of("/tmp/cache")));
        assertThat(file).doesNotContain("settings set symbols.enable-lldb-index-cache")
                .contains("# No index cache: lldb 14.0.6 has an index cache that can silently lose functions");
        String unknown = LldbCommandFile.render(spec(Debugger.LLDB), new ClientEnvironment(null, Path.of("/tmp/cache")));
        assertThat(unknown).doesNotContain("settings set symbols.enable-lldb-index-cache");
    }

    @Test
    void lldbQuotesPathsWithSpacesAndRefusesBackticks() {
        SessionSpec spaced = new SessionSpec(Debugger.LLDB, "127.0.0.1", 1234, Path.of("/my src/env\"oy"),
                SourceMap.of(List.of(new SourceMap.Entry("/proc/self/cwd", "/my src"))), List.of(), null, "s");
        String file = LldbCommandFile.render(spaced, new ClientEnvironment(null, null));
        assertThat(file).contains("target create --no-dependents \"/my src/env\\\"oy\"")
                .contains("settings set target.source-map /proc/self/cwd \"/my src\"")
                .doesNotContain("platform select");
        SessionSpec backtick = new SessionSpec(Debugger.LLDB, "127.0.0.1", 1234, Path.of("/a`b`"), SourceMap.empty(), List.of(), null, "s");
        assertThatThrownBy(() -> LldbCommandFile.render(backtick, new ClientEnvironment(null, null)))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("backtick");
    }

    static final DebuggerInstall GDB13 = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
            DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
    static final Path CACHE = Path.of("/home/u/.cache/meshdbg/lldb-index-cache");

    @Test
    void gdbFileTurnsTheIndexCacheOnThenLoadsTheLocalBinaryAndMapsEachPrefix() {
        List<String> commands = GdbCommandFile.render(spec(Debugger.GDB), new ClientEnvironment(GDB13, CACHE))
                .lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(commands).containsExactly(
                // Before file: gdb indexes the DWARF when the file is loaded.
                "set index-cache directory /home/u/.cache/meshdbg/gdb-index-cache",
                "set index-cache enabled on",
                "set debuginfod enabled off", // set either way: gdb's default asks, and nobody answers a script
                "file /src/envoy/bazel-bin/envoy",
                "set sysroot /proc/4242/root",
                "set solib-search-path /src/envoy/bazel-bin",
                "set substitute-path /proc/self/cwd/external /cache/bazel/external",
                "set substitute-path /proc/self/cwd /src/envoy",
                "target remote 127.0.0.1:40123");
    }

    @Test
    void nonStopGdbSetsTheModeBeforeItConnectsAndLldbCannot() {
        List<String> commands = GdbCommandFile.render(spec(Debugger.GDB).withNonStop(true)).lines()
                .filter(l -> !l.startsWith("#")).toList();
        assertThat(commands).startsWith("set non-stop on").endsWith("target remote 127.0.0.1:40123");
        assertThat(GdbCommandFile.render(spec(Debugger.GDB))).doesNotContain("non-stop");
        assertThatThrownBy(() -> spec(Debugger.LLDB).withNonStop(true))
                .isInstanceOf(MeshdbgException.class)
                .hasMessage("--non-stop needs gdb: lldb cannot debug in non-stop mode (it stops every thread); use --debugger gdb");
    }

    @Test
    void gdbIndexCacheCommandFollowsTheVersion() {
        assertThat(GdbCommandFile.indexCacheCommands(new ClientEnvironment(gdb("GNU gdb (Ubuntu 12.1-0ubuntu1~22.04) 12.1"), CACHE)))
                .containsExactly("set index-cache directory /home/u/.cache/meshdbg/gdb-index-cache", "set index-cache on");
        assertThat(GdbCommandFile.indexCacheCommands(new ClientEnvironment(gdb("GNU gdb (GDB) 8.2"), CACHE))).isEmpty();
        assertThat(GdbCommandFile.indexCacheCommands(new ClientEnvironment(null, CACHE))).isEmpty();
        assertThat(GdbCommandFile.indexCacheCommands(new ClientEnvironment(GDB13, null))).isEmpty();
        // An lldb found for another session says nothing about gdb's cache.
        assertThat(GdbCommandFile.indexCacheCommands(new ClientEnvironment(LLDB19, CACHE))).isEmpty();
    }

    @Test
    void gdbIndexCacheDirectoryWithANewlineIsRefused() {
        assertThatThrownBy(() -> GdbCommandFile.indexCacheCommands(new ClientEnvironment(GDB13, Path.of("/home/u\n/lldb"))))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("newline");
    }

    static DebuggerInstall gdb(String version) {
        return new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"), DebuggerVersion.parse(Debugger.GDB, version));
    }

    @Test
    void gdbWithoutSymbolsOrSysrootJustConnects() {
        SessionSpec bare = SessionSpec.loopback(Debugger.GDB, 999, null, null, "bare");
        assertThat(GdbCommandFile.render(bare, new ClientEnvironment(null, null)).lines().filter(l -> !l.startsWith("#")).toList())
                .containsExactly("target remote 127.0.0.1:999");
    }

    @Test
    void specRefusesBadNamesAndPorts() {
        assertThatThrownBy(() -> SessionSpec.loopback(Debugger.GDB, 0, null, null, "x"))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("port 0");
        assertThatThrownBy(() -> SessionSpec.loopback(Debugger.GDB, 1, null, null, "../etc"))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("session name");
        assertThat(SessionSpec.loopback(Debugger.GDB, 1, null, null, "pod-1.ns").address()).isEqualTo("127.0.0.1:1");
        assertThatThrownBy(() -> new SessionSpec(Debugger.GDB, "127.0.0.1:5", 5, null, null, null, null, "x"))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("give the port separately");
        assertThat(new SessionSpec(Debugger.LLDB, "::1", 7, null, null, null, null, "x").address()).isEqualTo("[::1]:7");
        assertThat(new SessionSpec(Debugger.LLDB, null, 7, null, null, null, null, "x").host()).isEqualTo("127.0.0.1");
    }
}
