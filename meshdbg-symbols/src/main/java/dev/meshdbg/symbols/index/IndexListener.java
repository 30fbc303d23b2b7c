package dev.meshdbg.symbols.index;

import java.time.Duration;

/** Progress of an indexing run, for the CLI to show; every method may be called from the running thread only. */
public interface IndexListener {
    IndexListener NONE = new IndexListener() {
    };

    /** llvm-dwarfutil was started on the plan's input. */
    default void started(IndexPlan plan) {
    }

    /** Still running (called every few seconds); {@code rssBytes} is the tool's current resident memory, or -1. */
    default void progress(Duration elapsed, long rssBytes) {
    }

    /** The tool finished; the copy is being checked before it takes the output's name. */
    default void verifying(IndexPlan plan) {
    }
}
