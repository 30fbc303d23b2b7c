package dev.meshdbg.symbols.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free memory and disk, read the way the kernel and the file system report them. */
final class HostResources {
    private HostResources() {
    }

    /** MemAvailable in bytes, or -1 when /proc/meminfo does not say. */
    static long memoryAvailable() {
        long kb = meminfoKb("MemAvailable:");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** Usable bytes on the file system holding {@code dir}, or -1 when it cannot be read. */
    static long diskFree(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A process's resident memory from /proc/PID/status (VmHWM, its peak so far), or -1 once it is gone. */
    static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return kb(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between two samples.
        }
        return -1;
    }

    private static long meminfoKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    return kb(line);
                }
            }
        } catch (IOException e) {
            // Not Linux, or no /proc: unknown.
        }
        return -1;
    }

    private static long kb(String line) {
        String[] parts = line.trim().split("\\s+");
        return parts.length >= 2 ? Long.parseLong(parts[1]) : -1;
    }
}
