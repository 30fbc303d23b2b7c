package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;

/**
 * What the relay has learned about the target from the conversation: which client command waits
 * for its reply, whether the target runs or since when it is stopped, which breakpoints are in,
 * and whether the client detached by itself. In all-stop mode (what gdb and lldb use by default)
 * the client sends one command and waits for its reply, so the next reply answers the last
 * command; {@code O} console packets while the target runs are not replies.
 * Not thread-safe: the session guards it with its lock.
 */
final class TargetState {
    private final Breakpoints breakpoints = new Breakpoints();
    private String pending;
    private boolean running;
    private boolean exited;
    private boolean detachedByClient;
    private boolean multiprocess;
    private long stoppedSince = System.nanoTime();

    /** The target has just been attached, which stops it. */
    void attached() {
        running = false;
        stoppedSince = System.nanoTime();
    }

    void clientSent(Packet command) {
        if (!command.isPacket()) {
            return;
        }
        pending = command.text();
        if (isResume(pending)) {
            running = true;
        }
    }

    void serverSent(Packet reply) {
        if (!reply.isPacket() || pending == null) {
            return;
        }
        if (running && reply.isConsoleOutput()) {
            return;
        }
        String command = pending;
        pending = null;
        if (!watched(command)) {
            return; // memory and register traffic: forwarded without decoding
        }
        String text = reply.text();
        if (isResume(command)) {
            if (isStopReply(text)) {
                stopped(text);
            }
        } else if (command.startsWith("Z") && text.equals("OK")) {
            addIfBreakpoint(command, true);
        } else if (command.startsWith("z") && text.equals("OK")) {
            addIfBreakpoint(command, false);
        } else if (command.startsWith("D") && text.equals("OK")) {
            detachedByClient = true;
        } else if (isKill(command)) {
            // Passed through with --allow-kill: nothing left to detach from.
            exited = true;
        } else if (command.startsWith("qSupported")) {
            multiprocess = command.contains("multiprocess+") && text.contains("multiprocess+");
        }
    }

    /** A stop reply the guard itself waited for (after its own interrupt). */
    void stopped(String stopReply) {
        running = false;
        stoppedSince = System.nanoTime();
        exited |= stopReply.startsWith("W") || stopReply.startsWith("X");
    }

    private void addIfBreakpoint(String command, boolean insert) {
        Breakpoints.Breakpoint b = Breakpoints.Breakpoint.parse(command);
        if (b != null) {
            if (insert) {
                breakpoints.inserted(b);
            } else {
                breakpoints.removed(b);
            }
        }
    }

    Breakpoints breakpoints() {
        return breakpoints;
    }

    /** Whether the server's next packet answers a command whose reply the guard does not read. */
    boolean replyUnwatched() {
        return pending != null && !running && !watched(pending);
    }

    /** The command still waiting for its reply, or null. */
    String pending() {
        return pending;
    }

    boolean running() {
        return running;
    }

    boolean exited() {
        return exited;
    }

    boolean detachedByClient() {
        return detachedByClient;
    }

    boolean multiprocess() {
        return multiprocess;
    }

    /** Nanoseconds the target has been stopped, or 0 while it runs. */
    long stoppedNanos() {
        return running || exited ? 0 : System.nanoTime() - stoppedSince;
    }

    /** Commands whose replies change what the guard knows: resumes, breakpoints, detach, kill, features. */
    private static boolean watched(String command) {
        return isResume(command) || isKill(command) || command.startsWith("Z") || command.startsWith("z")
                || command.startsWith("D") || command.startsWith("qSupported");
    }

    static boolean isResume(String command) {
        if (command.startsWith("vCont;")) {
            for (String action : command.substring(6).split(";")) {
                if (!action.isEmpty() && "cCsSr".indexOf(action.charAt(0)) >= 0) {
                    return true;
                }
            }
            return false;
        }
        if (command.equals("bc") || command.equals("bs")) {
            return true;
        }
        return !command.isEmpty() && "cCsS".indexOf(command.charAt(0)) >= 0;
    }

    static boolean isStopReply(String reply) {
        return !reply.isEmpty() && "TSWXN".indexOf(reply.charAt(0)) >= 0;
    }

    static boolean isKill(String command) {
        return command.equals("k") || command.startsWith("vKill");
    }
}
