package dev.meshdbg.client;

import dev.meshdbg.errors.MeshdbgException;
import java.util.Locale;

/** What {@code --client} asks for: run a debugger here, prepare VSCode, or only say how to connect. */
public enum ClientKind {
    LLDB, GDB, VSCODE, NONE;

    public static ClientKind parse(String value) {
        if (value != null) {
            for (ClientKind k : values()) {
                if (k.name().equalsIgnoreCase(value.strip())) {
                    return k;
                }
            }
        }
        throw MeshdbgException.badInput("--client must be lldb, gdb, vscode or none, not '" + value + "'");
    }

    /** The debugger this client runs in the terminal, or null for vscode and none. */
    public Debugger terminalDebugger() {
        return switch (this) {
            case LLDB -> Debugger.LLDB;
            case GDB -> Debugger.GDB;
            default -> null;
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
