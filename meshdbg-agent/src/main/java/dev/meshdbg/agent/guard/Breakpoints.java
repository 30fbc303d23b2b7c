package dev.meshdbg.agent.guard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The breakpoints and watchpoints the client has inserted through the guard ({@code Z0}-{@code Z4}
 * answered {@code OK}) and not removed yet: exactly what must be taken out before a detach the
 * guard makes for the client, or the target later dies of SIGTRAP on a leftover {@code int3}.
 */
final class Breakpoints {
    /** One {@code Z} insertion: type 0 software, 1 hardware, 2-4 write/read/access watchpoints. */
    record Breakpoint(int type, String address, String kind) {
        /** Parses {@code Ztype,addr,kind[;cond...]} or {@code ztype,addr,kind}; null when not one. */
        static Breakpoint parse(String packet) {
            if (packet.length() < 6 || (packet.charAt(0) != 'Z' && packet.charAt(0) != 'z')) {
                return null;
            }
            int type = Character.digit(packet.charAt(1), 10);
            String[] parts = packet.substring(3).split("[,;]", 3);
            if (type < 0 || type > 4 || packet.charAt(2) != ',' || parts.length < 2) {
                return null;
            }
            return new Breakpoint(type, parts[0].toLowerCase(), parts[1].toLowerCase());
        }

        String removePacket() {
            return "z" + type + "," + address + "," + kind;
        }
    }

    private final Set<Breakpoint> inserted = new LinkedHashSet<>();

    synchronized void inserted(Breakpoint b) {
        inserted.add(b);
    }

    synchronized void removed(Breakpoint b) {
        inserted.remove(b);
    }

    synchronized List<Breakpoint> all() {
        return new ArrayList<>(inserted);
    }

    synchronized int size() {
        return inserted.size();
    }

    synchronized void clear() {
        inserted.clear();
    }
}
