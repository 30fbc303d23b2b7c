package dev.meshdbg.agent.proc;

import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.util.Locale;

/**
 * The debugger a person uses and the one debug server it may talk to. Mixing them is refused:
 * lldb against gdbserver reports a breakpoint stop one byte past the breakpoint and crashed the
 * target on continue; gdb does not speak lldb-server's extensions.
 */
public enum Debugger {
    GDB(DebugServer.Kind.GDBSERVER), LLDB(DebugServer.Kind.LLDB_SERVER);

    private final DebugServer.Kind server;

    Debugger(DebugServer.Kind server) {
        this.server = server;
    }

    /** The one kind of debug server this debugger may drive. */
    public DebugServer.Kind serverKind() {
        return server;
    }

    /** The debug server's file name: {@code gdbserver} or {@code lldb-server} (also found as {@code lldb-server-NN}). */
    public String serverName() {
        return server.serverName();
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Debugger parse(String text) {
        for (Debugger d : values()) {
            if (d.cliName().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return d;
            }
        }
        throw MeshdbgException.badInput("--debugger must be gdb or lldb, not '" + text + "'");
    }

    /** Refuses a server binary that belongs to the other debugger, judging by its file name. */
    public void checkPairing(String serverPath) {
        String base = serverPath.substring(serverPath.lastIndexOf('/') + 1);
        if (this == LLDB && base.startsWith("gdbserver")) {
            throw MeshdbgException.badInput("lldb must not drive gdbserver (" + serverPath + "): lldb against gdbserver"
                    + " stops one byte past breakpoints and crashed the target on continue; give an lldb-server, or use --debugger gdb");
        }
        if (this == GDB && base.startsWith("lldb-server")) {
            throw MeshdbgException.badInput("gdb pairs with gdbserver, not " + serverPath
                    + "; give a gdbserver, or use --debugger lldb");
        }
    }
}
