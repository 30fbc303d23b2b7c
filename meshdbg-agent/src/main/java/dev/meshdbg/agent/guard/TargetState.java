package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;

/**
 * What the relay has learned about the target from the conversation: which client command waits
 * for its reply, whether the target runs or since when it is stopped, which breakpoints are in,
 * and whether the client detached by itself. In all-stop mode (what gdb and lldb use by default)
 * the client sends one command and waits for its reply, so the next reply answers the last
 * command; {@code O} console packets while the target runs are not replies.
 * <p>In non-stop mode ({@code QNonStop:1} answered {@code OK}) requests still pair with replies,
 * but resumes answer {@code OK} at once and each thread's stop comes as a {@code %Stop}
 * notification, acknowledged by {@code vStopped}, whose replies report further stops: the state
 * then follows each thread ({@link StoppedThreads}), and the target is never "running" in the
 * all-stop sense (no client waits for a stop reply, breakpoints can be removed at any time).
 * Not thread-safe: the session guards it with its lock.
 */
final class TargetState {
    private final Breakpoints breakpoints = new Breakpoints();
    private final StoppedThreads stoppedThreads = new StoppedThreads();
    private boolean nonStop;
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
            if (nonStop) {
                // Recorded as sent: a thread's next stop may be reported before the OK.
                stoppedThreads.resumed(pending);
            }
        }
    }

    void serverSent(Packet reply) {
        if (reply.type() == Packet.Type.NOTIFICATION) {
            String text = reply.text();
            if (nonStop && text.startsWith("Stop:")) {
                threadStopped(text.substring(5), false);
            }
            return;
        }
        if (!reply.isPacket() || pending == null) {
            return;
        }
        if ((running || nonStop) && reply.isConsoleOutput()) {
            return;
        }
        String command = pending;
        pending = null;
        if (!watched(command)) {
            return; // memory and register traffic: forwarded without decoding
        }
        String text = reply.text();
        if (nonStop && (command.equals("?") || command.equals("vStopped"))) {
            if (isStopReply(text)) {
                threadStopped(text, command.equals("?"));
            } else if (command.equals("?") && text.equals("OK")) {
                stoppedThreads.noneStopped();
            }
        } else if (command.startsWith("QNonStop:") && text.equals("OK")) {
            nonStop(command.equals("QNonStop:1"));
        } else if (isResume(command)) {
            if (!nonStop && isStopReply(text)) {
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

    private void threadStopped(String stopReply, boolean statusQuery) {
        if (stopReply.startsWith("W") || stopReply.startsWith("X")) {
            exited = true;
        } else if (stopReply.startsWith("T") || stopReply.startsWith("S")) {
            stoppedThreads.stopped(stopReply, statusQuery);
        }
    }

    /**
     * gdbserver keeps the threads that are stopped when non-stop mode begins stopped (the
     * attach's), and stops all of them when it ends.
     */
    private void nonStop(boolean on) {
        if (on && !nonStop) {
            stoppedThreads.enteredNonStop(running ? System.nanoTime() : stoppedSince);
        } else if (!on && nonStop) {
            running = false;
            stoppedSince = System.nanoTime();
        }
        nonStop = on;
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
        // In non-stop mode a stop arrives as a notification, never as the reply being streamed.
        return pending != null && (nonStop || !running) && !watched(pending);
    }

    /** The command still waiting for its reply, or null. */
    String pending() {
        return pending;
    }

    /** In all-stop mode, whether the target runs and the client waits for its stop reply. */
    boolean running() {
        return running && !nonStop;
    }

    /** Whether the client and server agreed on non-stop mode ({@code QNonStop:1}). */
    boolean nonStop() {
        return nonStop;
    }

    /** In non-stop mode, how many threads are stopped (the attach's still unnamed ones count as one). */
    int stoppedThreads() {
        return nonStop ? stoppedThreads.count() : 0;
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

    /**
     * Nanoseconds the target has been stopped, or 0 while it runs; in non-stop mode, how long its
     * longest-stopped thread has been.
     */
    long stoppedNanos() {
        if (exited) {
            return 0;
        }
        if (nonStop) {
            return stoppedThreads.longestNanos();
        }
        return running ? 0 : System.nanoTime() - stoppedSince;
    }

    /**
     * Commands whose replies change what the guard knows: resumes, breakpoints, detach, kill,
     * features, the mode, and the stop reports of non-stop mode.
     */
    private static boolean watched(String command) {
        return isResume(command) || isKill(command) || command.startsWith("Z") || command.startsWith("z")
                || command.startsWith("D") || command.startsWith("qSupported") || command.startsWith("QNonStop:")
                || command.equals("?") || command.equals("vStopped");
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
