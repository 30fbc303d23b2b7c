package dev.meshdbg.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One debugger found on this machine: where it is and which version it reports. Knows whether
 * lldb's index cache can be trusted and what to install when it cannot.
 */
public record DebuggerInstall(Debugger debugger, Path executable, DebuggerVersion version) {
    /** lldb 14's warm index cache was seen losing a function; lldb 15 and later index correctly. */
    public static final int FIRST_TRUSTED_INDEX_CACHE = 15;

    /** True when {@code symbols.enable-lldb-index-cache} may be turned on for this debugger. */
    public boolean indexCacheTrusted() {
        return debugger == Debugger.LLDB && version.major() >= FIRST_TRUSTED_INDEX_CACHE;
    }

    /** LLVM's DAP adapter of this lldb, installed beside it ({@code lldb-19} beside {@code lldb-dap-19}), if any. */
    public Optional<Path> lldbDap() {
        if (debugger != Debugger.LLDB) {
            return Optional.empty();
        }
        Path adapter = executable.resolveSibling(executable.getFileName().toString().replaceFirst("^lldb", "lldb-dap"));
        return Files.isExecutable(adapter) ? Optional.of(adapter) : Optional.empty();
    }

    /** True for a gdb that has an index cache (gdb 8.3 added it). */
    public boolean hasGdbIndexCache() {
        return debugger == Debugger.GDB && (version.major() > 8 || (version.major() == 8 && version.minor() >= 3));
    }

    /** One line for the user: why the index cache is on or off, and what to install to get it. */
    public String indexCacheAdvice() {
        if (debugger == Debugger.GDB) {
            String firstSession = "`meshdbg symbols index FILE` writes a copy (pass it as --symbols) that starts fast from the first session";
            return hasGdbIndexCache()
                    ? version + ": gdb's index cache is on: the first session indexes the binary, later ones reuse the index; " + firstSession
                    : version + " has no index cache, so every session indexes the binary: " + firstSession
                            + ", or install gdb 8.3 or newer (" + InstallAdvice.gdb() + ")";
        }
        if (indexCacheTrusted()) {
            return version + ": lldb's index cache is on (a warm start loads a large Envoy about 3x faster)";
        }
        return version + " has an index cache that can silently lose functions, so it stays off; for faster"
                + " starts install lldb " + FIRST_TRUSTED_INDEX_CACHE + " or newer (" + InstallAdvice.lldb() + ")";
    }
}
