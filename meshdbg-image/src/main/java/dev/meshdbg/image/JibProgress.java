package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.progress.Allocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jib's events into {@link UploadProgress}. Jib opens a progress allocation "pushing blob
 * DIGEST" sized in bytes for every blob, then either logs that the registry already has it or
 * sends it; a skipped blob's allocation is completed at once, so its bytes are not counted as sent.
 */
final class JibProgress {
    private static final String PUSHING = "pushing blob ";
    private static final String SKIPPING = "Skipping push; BLOB already exists";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final BuildListener listener;
    private final Map<String, Long> size = new HashMap<>();
    private final Map<String, Long> done = new HashMap<>();
    private final Set<String> skipped = new HashSet<>();
    private final Set<String> finished = new HashSet<>();

    JibProgress(BuildListener listener) {
        this.listener = listener;
    }

    void onEvent(JibEvent event) {
        if (event instanceof ProgressEvent p) {
            onProgress(p);
        } else if (event instanceof LogEvent log) {
            onLog(log);
        }
    }

    private void onProgress(ProgressEvent p) {
        Allocation a = p.getAllocation();
        if (!a.getDescription().startsWith(PUSHING)) {
            return;
        }
        Matcher m = DIGEST.matcher(a.getDescription());
        if (!m.find()) {
            return;
        }
        String digest = m.group();
        UploadProgress snapshot;
        synchronized (this) {
            size.putIfAbsent(digest, a.getAllocationUnits());
            long now = done.merge(digest, p.getUnits(), Long::sum);
            if (now >= a.getAllocationUnits()) {
                finished.add(digest);
            }
            snapshot = snapshot();
        }
        listener.upload(snapshot);
    }

    private void onLog(LogEvent log) {
        String message = log.getMessage();
        Matcher digest = DIGEST.matcher(message);
        if (message.startsWith(SKIPPING) && digest.find()) {
            synchronized (this) {
                skipped.add(digest.group());
            }
        } else if (log.getLevel() == LogEvent.Level.WARN) {
            listener.warning(message);
        }
    }

    synchronized UploadProgress snapshot() {
        long sent = 0;
        long toSend = 0;
        for (Map.Entry<String, Long> e : size.entrySet()) {
            if (!skipped.contains(e.getKey())) {
                toSend += e.getValue();
                sent += Math.min(done.getOrDefault(e.getKey(), 0L), e.getValue());
            }
        }
        int skippedFinished = (int) skipped.stream().filter(size::containsKey).count();
        return new UploadProgress(size.size(), skippedFinished, finished.size(), sent, toSend);
    }
}
