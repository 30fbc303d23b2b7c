package dev.meshdbg.client;

import java.nio.file.Path;

/**
 * What the machine that runs the client offers: the installed debugger of the session's kind (null
 * when none was found, e.g. when only VSCode will connect), where lldb may keep its index cache
 * (gdb keeps its own beside it), and the debuginfod servers to ask for debug info.
 */
public record ClientEnvironment(DebuggerInstall debugger, Path indexCacheDir, Debuginfod debuginfod) {
    public ClientEnvironment {
        debuginfod = debuginfod == null ? Debuginfod.NONE : debuginfod;
    }

    /** No debuginfod servers. */
    public ClientEnvironment(DebuggerInstall debugger, Path indexCacheDir) {
        this(debugger, indexCacheDir, Debuginfod.NONE);
    }

    /** Finds the newest installed debugger of this kind, the default cache directory and {@code DEBUGINFOD_URLS}. */
    public static ClientEnvironment detect(Debugger debugger) {
        return new ClientEnvironment(Debuggers.installed(debugger).orElse(null), defaultIndexCacheDir(), Debuginfod.fromEnvironment());
    }

    /**
     * lldb's index cache is turned on only for an lldb known to get it right, and in a directory of
     * meshdbg's own so an older lldb sharing the default one cannot leave entries behind for it.
     */
    public boolean indexCacheOn() {
        return debugger != null && debugger.indexCacheTrusted() && indexCacheDir != null;
    }

    /** gdb's index cache, beside lldb's: {@code .../meshdbg/gdb-index-cache}; null when lldb's is unknown. */
    public Path gdbIndexCacheDir() {
        return indexCacheDir == null ? null : indexCacheDir.resolveSibling("gdb-index-cache");
    }

    /** {@code $XDG_CACHE_HOME/meshdbg/lldb-index-cache}, else {@code ~/.cache/meshdbg/lldb-index-cache}. */
    public static Path defaultIndexCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("meshdbg").resolve("lldb-index-cache").toAbsolutePath();
    }
}
