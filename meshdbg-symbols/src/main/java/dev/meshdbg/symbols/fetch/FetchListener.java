package dev.meshdbg.symbols.fetch;

/** Progress of a symbols fetch; the CLI prints it. Called on the fetching thread. */
public interface FetchListener {
    /** A download (or copy) begins at {@code offset} bytes already on disk; {@code total} is -1 when unknown. */
    default void started(String location, long offset, long total) {
    }

    default void progress(String location, long done, long total) {
    }

    default void finished(String location, long bytes, boolean checksumVerified) {
    }

    /** Something worth saying that does not stop the fetch, e.g. no .dwp published. */
    default void note(String message) {
    }

    FetchListener NONE = new FetchListener() {
    };
}
