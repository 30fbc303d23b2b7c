package dev.meshdbg.cli.image;

import dev.meshdbg.image.BuildListener;
import dev.meshdbg.image.UploadProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** Steps and a one-line upload meter (blobs, bytes, rate) on a terminal; nothing when output is not a terminal. */
final class UploadDisplay implements BuildListener {
    private final PrintWriter err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;

    UploadDisplay(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void step(String description) {
        if (terminal) {
            err.print("\r\033[K" + description + "\n");
            err.flush();
        }
    }

    @Override
    public synchronized void upload(UploadProgress p) {
        long now = System.nanoTime();
        if (!terminal || (now - lastDraw < 200_000_000L && p.finished() < p.blobs())) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(0.001, (now - start) / 1e9);
        err.print(String.format(Locale.ROOT, "\r\033[Klayers %d/%d (%d already there)  %s / %s  %s/s",
                p.finished(), p.blobs(), p.skipped(), size(p.bytesSent()), size(p.bytesToSend()), size((long) (p.bytesSent() / seconds))));
        err.flush();
    }

    @Override
    public synchronized void warning(String message) {
        if (terminal) {
            err.print("\r\033[Kwarning: " + message + "\n");
            err.flush();
        }
    }

    synchronized void end() {
        if (terminal) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    static String size(long bytes) {
        return dev.meshdbg.cli.Sizes.human(bytes);
    }
}
