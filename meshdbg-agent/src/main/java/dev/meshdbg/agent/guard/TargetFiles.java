package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.Rsp;
import java.util.List;

/**
 * The target's files, for a debug server that does not share the target's mount namespace (an
 * ephemeral container has its own, and cannot join the target's without {@code CAP_SYS_ADMIN}).
 * gdb reads the target's libraries with {@code vFile} packets; this puts {@code /proc/PID/root} in
 * front of their paths, so the debugger gets the target's own libc, not the agent image's. gdb's
 * {@code vFile:setfs:PID} asks the server to enter the target's mount namespace, which would
 * fail for the same reason: it becomes {@code setfs:0}, the server's own, where the prefixed
 * paths lead.
 */
final class TargetFiles {
    private static final List<String> PATH_OPS = List.of("vFile:open:", "vFile:unlink:", "vFile:readlink:", "vFile:stat:");

    private final String root;

    /** {@code root} is {@code /proc/PID/root}, or empty when the server sees the target's files as they are. */
    TargetFiles(String root) {
        this.root = root == null ? "" : root;
    }

    /** The packet to send to the server instead of {@code p}. */
    Packet rewrite(Packet p) {
        if (root.isEmpty() || !p.isPacket()) {
            return p;
        }
        String text = p.text();
        if (!text.startsWith("vFile:")) {
            return p;
        }
        if (text.startsWith("vFile:setfs:")) {
            return Packet.of("vFile:setfs:0");
        }
        for (String op : PATH_OPS) {
            if (text.startsWith(op)) {
                int end = text.indexOf(',', op.length());
                end = end < 0 ? text.length() : end;
                String path;
                try {
                    path = Rsp.unhex(text.substring(op.length(), end));
                } catch (RuntimeException notHex) {
                    return p; // malformed: the server answers it
                }
                if (!path.startsWith("/") || path.equals(root) || path.startsWith(root + "/")) {
                    return p;
                }
                return Packet.of(op + Rsp.hex(root + path) + text.substring(end));
            }
        }
        return p;
    }
}
