package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.RspChannel;
import dev.meshdbg.agent.rsp.Rsp;
import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The guard speaking to the debug server on its own, once the client no longer does: finish the
 * client's last command, stop a running target (0x03, then wait for the stop reply), remove the
 * client's breakpoints and watchpoints, detach. Replies arrive through {@code replies}, fed by
 * the session's server reader while the session is taken over. In non-stop mode it speaks
 * non-stop: nothing is interrupted, the breakpoints come out while threads run, and the detach
 * resumes the threads that are stopped.
 */
final class Takeover {
    private static final long REPLY_SECONDS = 5;
    /**
     * gdbserver passes the signal that stopped a thread on detach unless told otherwise: pass all
     * but SIGINT, SIGTRAP and SIGTERM (gdb's numbers 2, 5, 15), the signals an interrupt uses.
     */
    private static final String PROGRAM_SIGNALS_BUT_INTERRUPTS = programSignals();

    private final RspChannel server;
    private final BlockingQueue<Packet> replies;
    private final TargetState state;

    Takeover(RspChannel server, BlockingQueue<Packet> replies, TargetState state) {
        this.server = server;
        this.replies = replies;
        this.state = state;
    }

    /**
     * Leaves the target running without the client's breakpoints, however the debug server
     * behaves: detaches cleanly when it can, else kills the server so that the kernel detaches.
     * Reports to the listener; closes the link and the server either way.
     */
    void detachAndStop(DebugServer debugServer, String reason, GuardListener listener) {
        try {
            if (!state.detachedByClient()) {
                int removed = detach(debugServer);
                if (removed >= 0) {
                    listener.detached(reason, removed);
                }
            } else {
                listener.detached("the debugger detached", 0);
            }
        } catch (IOException e) {
            int left = state.breakpoints().size();
            listener.error(MeshdbgException.failure("could not detach cleanly (" + e.getMessage()
                    + "); stopping the debug server so the kernel detaches"
                    + (left > 0 ? " (" + left + " breakpoint(s) may be left in the target)" : ""), e));
        } finally {
            server.close();
            debugServer.close();
        }
    }

    /**
     * Stops the target if it runs, removes the client's breakpoints and detaches. Returns how many
     * breakpoints it removed, or -1 when the target exited meanwhile (nothing to detach from).
     */
    int detach(DebugServer debugServer) throws IOException {
        if (state.nonStop()) {
            return detachNonStop(debugServer);
        }
        boolean gdbserver = debugServer.spec().kind() == DebugServer.Kind.GDBSERVER;
        String pending = state.pending();
        if (pending != null && !state.running()) {
            // The client left in the middle of a command: let the server finish answering it.
            poll(2);
        }
        boolean interrupted = false;
        if (state.running()) {
            server.sendInterrupt();
            String reply = awaitStop(gdbserver ? 1 : REPLY_SECONDS);
            if (reply == null && gdbserver) {
                // gdbserver signals the target's process group, which fails unless the target leads one.
                String signal = debugServer.interruptTarget(true);
                reply = signal == null ? null : awaitStop(REPLY_SECONDS);
            }
            if (reply == null) {
                throw new IOException("the target did not stop when interrupted");
            }
            state.stopped(reply);
            interrupted = true;
        }
        if (state.exited()) {
            return -1;
        }
        if (interrupted && gdbserver) {
            // gdbserver delivers the signal that stopped the target on detach unless told not to.
            request(PROGRAM_SIGNALS_BUT_INTERRUPTS);
        }
        int removed = removeBreakpoints();
        String packet = state.multiprocess() ? "D;" + Long.toHexString(debugServer.spec().pid()) : "D";
        String reply = request(packet);
        if (!reply.equals("OK")) {
            throw new IOException("the debug server answered " + shorten(reply) + " to " + packet);
        }
        return removed;
    }

    /**
     * Non-stop: the server takes {@code z} while threads run, and its detach resumes every thread,
     * including one stopped at a breakpoint (its PC is already back on the breakpoint's address,
     * where the original instruction is once the breakpoint is out). The stop notifications that
     * keep coming meanwhile are nobody's to acknowledge and are skipped.
     */
    private int detachNonStop(DebugServer debugServer) throws IOException {
        if (state.pending() != null) {
            awaitReply(2); // the client left in the middle of a command
        }
        if (state.exited()) {
            return -1;
        }
        if (debugServer.spec().kind() == DebugServer.Kind.GDBSERVER) {
            // A thread stopped by SIGTRAP at a breakpoint, or by the client's stop request, must not
            // get that signal when it resumes.
            request(PROGRAM_SIGNALS_BUT_INTERRUPTS);
        }
        int removed = removeBreakpoints();
        String packet = state.multiprocess() ? "D;" + Long.toHexString(debugServer.spec().pid()) : "D";
        String reply = request(packet);
        if (!reply.equals("OK")) {
            throw new IOException("the debug server answered " + shorten(reply) + " to " + packet);
        }
        return removed;
    }

    /** Removes every breakpoint the client left in; returns how many the server confirmed. */
    int removeBreakpoints() throws IOException {
        int removed = 0;
        for (Breakpoints.Breakpoint b : state.breakpoints().all()) {
            String reply = request(b.removePacket());
            if (reply.equals("OK")) {
                removed++;
            }
            state.breakpoints().removed(b);
        }
        return removed;
    }

    /**
     * gdbserver's interrupt signals the target's process group and fails when the target leads
     * none: if the client's interrupt has not stopped the target a second later, send it SIGINT
     * directly (never SIGTERM here: gdb passes that on when the user continues).
     */
    static void helpInterrupt(DebugServer debugServer, BooleanSupplier stillRunning) {
        Sockets.daemon("guard-interrupt", () -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (stillRunning.getAsBoolean()) {
                debugServer.interruptTarget(false);
            }
        });
    }

    /** The next stop reply, skipping anything else, or null after the timeout. */
    private String awaitStop(long seconds) throws IOException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        for (;;) {
            long left = deadline - System.nanoTime();
            Packet p = left <= 0 ? null : pollNanos(left);
            if (p == null) {
                return null;
            }
            if (p == Session.SERVER_GONE) {
                throw new IOException("the debug server closed the connection while the target was being stopped");
            }
            if (TargetState.isStopReply(p.text())) {
                return p.text();
            }
        }
    }

    private String request(String command) throws IOException {
        replies.clear();
        server.send(command);
        Packet reply;
        do {
            reply = await("a reply to " + shorten(command));
        } while (reply.isConsoleOutput() || reply.type() == Packet.Type.NOTIFICATION);
        return reply.text();
    }

    /**
     * Waits (at most the given time) for the reply to a command the client sent before it left,
     * and records it: a breakpoint inserted then must come out too.
     */
    private void awaitReply(long seconds) throws IOException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        for (;;) {
            long left = deadline - System.nanoTime();
            Packet p = left <= 0 ? null : pollNanos(left);
            if (p == null) {
                return;
            }
            if (p == Session.SERVER_GONE) {
                throw new IOException("the debug server closed the connection while answering the debugger's last command");
            }
            if (p.isPacket() && !p.isConsoleOutput()) {
                state.serverSent(p);
                return;
            }
        }
    }

    private Packet await(String what) throws IOException {
        Packet p = poll(REPLY_SECONDS);
        if (p == null) {
            throw new IOException("the debug server sent no " + what + " within " + REPLY_SECONDS + " s");
        }
        if (p == Session.SERVER_GONE) {
            throw new IOException("the debug server closed the connection while waiting for " + what);
        }
        return p;
    }

    private Packet poll(long seconds) throws IOException {
        return pollNanos(seconds * 1_000_000_000L);
    }

    private Packet pollNanos(long nanos) throws IOException {
        try {
            return replies.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the debug server", e);
        }
    }

    private static String shorten(String packet) {
        return packet.length() > 40 ? packet.substring(0, 40) + "..." : packet;
    }

    private static String programSignals() {
        StringBuilder sb = new StringBuilder("QProgramSignals:");
        for (int signal = 0; signal < 0x98; signal++) {
            if (signal != 2 && signal != 5 && signal != 15) {
                sb.append(Integer.toHexString(signal)).append(';');
            }
        }
        return sb.toString();
    }

    static String consoleText(String message) {
        return "O" + Rsp.hex(message);
    }
}
