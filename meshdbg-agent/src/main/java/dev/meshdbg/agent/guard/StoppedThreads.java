package dev.meshdbg.agent.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In non-stop mode, which threads are stopped and since when. A thread stops when the server
 * reports it ({@code %Stop} notification, or the reply to {@code ?} or {@code vStopped}) and runs
 * again when the client resumes it ({@code vCont;c:TID}) or resumes everything ({@code vCont;c}).
 * The oldest stop is what {@code --max-pause} measures: a worker stopped at a breakpoint takes its
 * connections out of service even while the others serve. Not thread-safe: the session's lock
 * guards it, through {@link TargetState}.
 */
final class StoppedThreads {
    /** Threads stopped since the attach whose ids no stop report has named yet. */
    static final String UNNAMED = "*";
    private static final Pattern THREAD = Pattern.compile("(?:^T..|;)thread:([^;]+)");

    private final Map<String, Long> since = new HashMap<>();

    /** Entering non-stop mode: whatever the attach stopped stays stopped until reported or resumed. */
    void enteredNonStop(long stoppedSince) {
        since.clear();
        since.put(UNNAMED, stoppedSince);
    }

    /**
     * A stop reply ({@code T}/{@code S}) for one thread. A report in answer to {@code ?} names
     * threads that may have been stopped since the attach, and takes over that time.
     */
    void stopped(String stopReply, boolean statusQuery) {
        long at = System.nanoTime();
        if (statusQuery && since.containsKey(UNNAMED)) {
            at = since.remove(UNNAMED);
        }
        since.merge(threadOf(stopReply), at, Math::min);
    }

    /** The answer to {@code ?} was {@code OK}: no thread is stopped. */
    void noneStopped() {
        since.clear();
    }

    /** A resume request: its continue/step actions set their threads (or, without one, all) running. */
    void resumed(String command) {
        if (!command.startsWith("vCont;")) {
            since.clear(); // c, s, bc, bs: every thread
            return;
        }
        for (String action : command.substring(6).split(";")) {
            if (action.isEmpty() || "cCsSr".indexOf(action.charAt(0)) < 0) {
                continue; // t (stop) and unknown actions resume nothing
            }
            int colon = action.lastIndexOf(':');
            String thread = colon < 0 ? null : action.substring(colon + 1);
            if (thread == null || thread.equals("-1") || thread.endsWith(".-1")) {
                since.clear();
            } else {
                since.remove(thread);
            }
        }
    }

    /** Nanoseconds the longest-stopped thread has been stopped, or 0 when every thread runs. */
    long longestNanos() {
        long now = System.nanoTime();
        long longest = 0;
        for (long t : since.values()) {
            longest = Math.max(longest, now - t);
        }
        return longest;
    }

    int count() {
        return since.size();
    }

    static String threadOf(String stopReply) {
        Matcher m = THREAD.matcher(stopReply);
        return m.find() ? m.group(1) : "?";
    }
}
