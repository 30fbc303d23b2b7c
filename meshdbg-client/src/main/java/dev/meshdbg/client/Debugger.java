package dev.meshdbg.client;

/**
 * The two debuggers meshdbg drives. Each pairs with its own debug server only: lldb with
 * {@code lldb-server gdbserver}, gdb with {@code gdbserver}; a mix was seen to crash the target.
 */
public enum Debugger {
    LLDB("lldb", "lldb-server"),
    GDB("gdb", "gdbserver");

    private final String command;
    private final String debugServer;

    Debugger(String command, String debugServer) {
        this.command = command;
        this.debugServer = debugServer;
    }

    /** The unversioned command name ({@code lldb}, {@code gdb}). */
    public String command() {
        return command;
    }

    /** The debug server this debugger must be paired with. */
    public String debugServer() {
        return debugServer;
    }
}
