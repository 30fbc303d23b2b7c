package dev.meshdbg.client;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ignores SIGINT in this JVM while a foreground debugger owns the terminal: the terminal sends
 * Ctrl-C to the whole process group, and it is meant for the debugger (to interrupt the target),
 * not for meshdbg. Closing restores whatever handler was there (e.g. the CLI's detach-on-Ctrl-C).
 */
final class InterruptShield implements AutoCloseable {
    private final SignalHandler previous;

    private InterruptShield(SignalHandler previous) {
        this.previous = previous;
    }

    static InterruptShield raise() {
        SignalHandler previous;
        try {
            // A Java handler that does nothing, not SIG_IGN: HotSpot never lets a Java handler
            // replace an ignored SIGINT again, so the CLI's own handler could not come back.
            previous = Signal.handle(new Signal("INT"), signal -> { });
        } catch (IllegalArgumentException e) {
            previous = null; // no SIGINT here (or the JVM runs with -Xrs): nothing to shield
        }
        return new InterruptShield(previous);
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(new Signal("INT"), previous);
        }
    }
}
