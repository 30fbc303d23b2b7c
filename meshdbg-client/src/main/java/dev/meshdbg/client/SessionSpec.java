package dev.meshdbg.client;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a debugger client needs to join one session: which debugger (it must match the debug
 * server behind the guard), the guard's address, the local symbols, where the debug info's source
 * paths live here, and where the target's own files can be read.
 *
 * @param debugger       lldb for an lldb-server session, gdb for a gdbserver session
 * @param host           the guard's address as the client reaches it; 127.0.0.1 (local or port-forward)
 * @param port           the guard's port
 * @param symbols        the local binary with debug info (matching build-id), or null to use the target's own
 * @param sourceMap      debug-info path prefixes to local directories, most specific first
 * @param execSearchPaths directories where lldb looks for the target's executable and libraries
 * @param sysroot        where the target's root filesystem can be read (local mode: /proc/HOSTPID/root), or null
 * @param name           the session name, used in file names and launch configuration names
 * @param nonStop        gdb in non-stop mode: a breakpoint stops only the thread that hits it
 */
public record SessionSpec(Debugger debugger, String host, int port, Path symbols, SourceMap sourceMap,
                          List<Path> execSearchPaths, Path sysroot, String name, boolean nonStop) {
    /** lldb stops every thread at a breakpoint; it has no non-stop mode (llvm reviews D125575, D128710). */
    public static final String LLDB_CANNOT_NON_STOP =
            "--non-stop needs gdb: lldb cannot debug in non-stop mode (it stops every thread); use --debugger gdb";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public SessionSpec {
        if (debugger == null) {
            throw MeshdbgException.badInput("a session needs a debugger (lldb or gdb)");
        }
        if (nonStop && debugger == Debugger.LLDB) {
            throw MeshdbgException.badInput(LLDB_CANNOT_NON_STOP);
        }
        if (host == null || host.isBlank()) {
            host = "127.0.0.1";
        }
        if (!HOST.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            throw MeshdbgException.badInput("'" + host + "' is not a host name or address (give the port separately)");
        }
        if (port < 1 || port > 65535) {
            throw MeshdbgException.badInput("port " + port + " is not a TCP port (1-65535)");
        }
        sourceMap = sourceMap == null ? SourceMap.empty() : sourceMap;
        execSearchPaths = execSearchPaths == null ? List.of() : List.copyOf(execSearchPaths);
        if (name == null || !NAME.matcher(name).matches()) {
            throw MeshdbgException.badInput("session name '" + name + "' must be letters, digits, '.', '_' or '-'"
                    + " (it names files), at most 100 characters");
        }
    }

    /** An all-stop session. */
    public SessionSpec(Debugger debugger, String host, int port, Path symbols, SourceMap sourceMap,
                       List<Path> execSearchPaths, Path sysroot, String name) {
        this(debugger, host, port, symbols, sourceMap, execSearchPaths, sysroot, name, false);
    }

    public SessionSpec withNonStop(boolean on) {
        return new SessionSpec(debugger, host, port, symbols, sourceMap, execSearchPaths, sysroot, name, on);
    }

    /** A session on 127.0.0.1 with no exec search paths and no sysroot. */
    public static SessionSpec loopback(Debugger debugger, int port, Path symbols, SourceMap sourceMap, String name) {
        return new SessionSpec(debugger, "127.0.0.1", port, symbols, sourceMap, List.of(), null, name);
    }

    /** {@code host:port} as debuggers take it. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
