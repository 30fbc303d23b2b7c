package dev.meshdbg.agent.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Notices when the target exits, so that a session ends at once instead of at the idle timeout.
 * It polls {@code /proc/PID/stat} (the target is not our child, so nothing can wait for it),
 * keyed on the start time so a reused pid is not mistaken for it; a zombie's exit code (field
 * 52) tells how it ended when we see it before its parent reaps it, or a debug server reports it.
 */
public final class TargetWatch {
    static final long POLL_MILLIS = 200;

    /** How the target ended: {@code status} is the wait status when known. */
    public record Exit(String name, long pid, Optional<Integer> status) {
        /** {@code envoy (pid 42) exited (signal 9)}, {@code ... exited with status 1}, or just {@code exited}. */
        public String describe() {
            String how = status.map(s -> (s & 0x7f) != 0 ? " (signal " + (s & 0x7f) + ")" : " with status " + ((s >> 8) & 0xff))
                    .orElse("");
            return name + " (pid " + pid + ") exited" + how;
        }
    }

    private TargetWatch() {
    }

    /** Watches on a daemon thread; {@code onExit} runs once, on that thread. */
    public static void start(Path proc, Target target, Consumer<Exit> onExit) {
        Path stat = proc.resolve(target.hostPid() + "/stat");
        Optional<String[]> first = fields(stat);
        if (first.isEmpty()) {
            onExit.accept(new Exit(target.comm(), target.hostPid(), Optional.empty()));
            return;
        }
        String startTime = first.get()[19];
        Thread t = new Thread(() -> {
            for (;;) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                Optional<String[]> now = fields(stat);
                if (now.isEmpty() || !now.get()[19].equals(startTime)) {
                    onExit.accept(new Exit(target.comm(), target.hostPid(), Optional.empty()));
                    return;
                }
                if (now.get()[0].equals("Z") || now.get()[0].equals("X")) {
                    String[] f = now.get();
                    Optional<Integer> status = f.length > 49 ? Optional.of(Integer.parseInt(f[49])) : Optional.empty();
                    onExit.accept(new Exit(target.comm(), target.hostPid(), status));
                    return;
                }
            }
        }, "meshdbg-target-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The fields after the command name, from the state (field 3) on; empty when it is gone. */
    static Optional<String[]> fields(Path stat) {
        try {
            String text = Files.readString(stat);
            int close = text.lastIndexOf(')');
            return close < 0 ? Optional.empty() : Optional.of(text.substring(close + 2).strip().split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
