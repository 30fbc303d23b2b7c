package dev.meshdbg.agent.stacks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names of a process's threads ({@code /proc/PID/task/TID/comm}; Envoy names its own, e.g.
 * {@code wrk:worker_0}), read before the stop so the stop covers only registers and stacks.
 * Keyed by the tid the debug server sees, which inside a container is the innermost one of
 * {@code NSpid}.
 */
public final class ThreadNames {
    /** A thread as this agent sees it ({@code hostTid}) and as the debug server does ({@code tid}). */
    public record Named(long tid, long hostTid, String name) {
    }

    private ThreadNames() {
    }

    /** Server-side tid to thread; a thread that ends while being read is left out. */
    public static Map<Long, Named> read(Path proc, long hostPid) {
        Map<Long, Named> names = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve(hostPid + "/task"))) {
            for (Path task : tasks) {
                try {
                    long host = Long.parseLong(task.getFileName().toString());
                    String name = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.UTF_8).strip();
                    long inner = innerTid(task, host);
                    names.put(inner, new Named(inner, host, name));
                } catch (IOException | NumberFormatException e) {
                    // The thread ended.
                }
            }
        } catch (IOException e) {
            // The process ended; the capture will say so.
        }
        return names;
    }

    private static long innerTid(Path task, long host) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("NSpid:")) {
                String[] ids = line.substring(6).strip().split("\\s+");
                return Long.parseLong(ids[ids.length - 1]);
            }
        }
        return host;
    }
}
