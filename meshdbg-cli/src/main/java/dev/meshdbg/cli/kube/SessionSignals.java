package dev.meshdbg.cli.kube;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM end the session the orderly way (the guard detaches, the node pod and the
 * annotation go) and meshdbg exits 0, instead of the JVM dying with 130/143 from its shutdown hooks.
 */
final class SessionSignals implements AutoCloseable {
    private static final String[] NAMES = {"INT", "TERM"};
    private final SignalHandler[] previous = new SignalHandler[NAMES.length];

    SessionSignals(Runnable endSession) {
        for (int i = 0; i < NAMES.length; i++) {
            try {
                previous[i] = Signal.handle(new Signal(NAMES[i]), sig -> endSession.run());
            } catch (IllegalArgumentException ignoredSignal) {
                // Started with the signal ignored (a background job of a script): leave it so.
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < NAMES.length; i++) {
            if (previous[i] != null) {
                Signal.handle(new Signal(NAMES[i]), previous[i]);
            }
        }
    }
}
