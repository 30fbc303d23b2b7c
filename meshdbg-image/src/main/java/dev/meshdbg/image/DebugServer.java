package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A debug server the image carries. lldb pairs with lldb-server and gdb with gdbserver (mixing
 * them crashed the target), so the choice is by client. The name in the image is fixed; the host
 * binary is found by version because Debian installs {@code lldb-server-19}, not {@code lldb-server}.
 */
public enum DebugServer {
    GDBSERVER("gdbserver", List.of("gdbserver")),
    LLDB_SERVER("lldb-server", List.of("lldb-server-19", "lldb-server-18", "lldb-server-17", "lldb-server-16",
            "lldb-server-15", "lldb-server"));

    private final String imageName;
    private final List<String> hostCandidates;

    DebugServer(String imageName, List<String> hostCandidates) {
        this.imageName = imageName;
        this.hostCandidates = hostCandidates;
    }

    /** The wrapper's name under /opt/meshdbg/bin. */
    public String imageName() {
        return imageName;
    }

    /** Command names to look for on the host, best first. */
    public List<String> hostCandidates() {
        return hostCandidates;
    }

    /** Parses {@code --debugger gdb|lldb|both}. */
    public static Set<DebugServer> forDebugger(String debugger) {
        return switch (debugger.strip().toLowerCase(Locale.ROOT)) {
            case "gdb" -> EnumSet.of(GDBSERVER);
            case "lldb" -> EnumSet.of(LLDB_SERVER);
            case "both" -> EnumSet.allOf(DebugServer.class);
            default -> throw MeshdbgException.badInput("unknown debugger '" + debugger + "': use gdb, lldb or both");
        };
    }
}
