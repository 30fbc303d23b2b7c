package dev.meshdbg.cli;

import dev.meshdbg.symbols.fetch.FetchListener;
import java.io.PrintWriter;

/** Prints a fetch on stderr (stdout stays for results and JSON): start, every tenth, end. */
public final class FetchProgress implements FetchListener {
    private final PrintWriter err;
    private int lastTenth = -1;

    public FetchProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(String location, long offset, long total) {
        lastTenth = -1;
        err.println("Fetching " + location + (total > 0 ? " (" + Sizes.human(total) + ")" : "")
                + (offset > 0 ? ", resuming at " + Sizes.human(offset) : ""));
        err.flush();
    }

    @Override
    public void progress(String location, long done, long total) {
        if (total <= 0) {
            return;
        }
        int tenth = (int) (done * 10 / total);
        if (tenth > lastTenth && tenth < 10) {
            lastTenth = tenth;
            err.println("  " + tenth * 10 + "%  " + Sizes.human(done));
            err.flush();
        }
    }

    @Override
    public void finished(String location, long bytes, boolean checksumVerified) {
        err.println("  done: " + location + " " + Sizes.human(bytes) + (checksumVerified ? ", sha256 verified" : ", no checksum published"));
        err.flush();
    }

    @Override
    public void note(String message) {
        err.println("Note: " + message);
        err.flush();
    }
}
