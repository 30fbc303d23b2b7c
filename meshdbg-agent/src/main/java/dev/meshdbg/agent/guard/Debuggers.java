package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.server.DebugServer;
import java.util.Optional;

/**
 * Tells gdb from lldb by the features they offer in {@code qSupported}, measured with gdb 13 and
 * lldb 19: gdb sends {@code qRelocInsn+} and {@code vContSupported+} (and {@code xmlRegisters=i386}
 * on x86, so that alone does not identify lldb); lldb sends {@code xmlRegisters=i386,arm,mips,arc}
 * and none of gdb's features. Used to refuse a debugger paired with the wrong server: lldb against
 * gdbserver crashed the target, and gdb against lldb-server is not supported.
 */
final class Debuggers {
    private Debuggers() {
    }

    /** The server this client pairs with, or empty when the client is neither known debugger. */
    static Optional<DebugServer.Kind> pairedServer(String qSupported) {
        if (!qSupported.startsWith("qSupported")) {
            return Optional.empty();
        }
        if (qSupported.contains("qRelocInsn+") || qSupported.contains("vContSupported+")) {
            return Optional.of(DebugServer.Kind.GDBSERVER);
        }
        if (qSupported.contains("xmlRegisters=i386,arm") || qSupported.contains(",mips,arc")) {
            return Optional.of(DebugServer.Kind.LLDB_SERVER);
        }
        return Optional.empty();
    }

    /** Why this client may not use this server, or empty when they pair. */
    static Optional<String> mismatch(String qSupported, DebugServer.Kind server) {
        return pairedServer(qSupported)
                .filter(wanted -> wanted != server)
                .map(wanted -> "this guard serves " + server.clientName() + " (its debug server is "
                        + server.serverName() + "), but a " + wanted.clientName() + " client connected; "
                        + (wanted == DebugServer.Kind.LLDB_SERVER
                                ? "lldb against gdbserver crashes the target"
                                : "gdb against lldb-server is not supported")
                        + ": restart meshdbg for " + wanted.clientName());
    }
}
