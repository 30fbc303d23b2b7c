package dev.meshdbg.agent.proc;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads processes from a /proc tree (the real one, or a fixture tree in tests). A process that
 * vanishes or cannot be read mid-scan is skipped: /proc changes under our feet.
 */
public final class ProcScanner {
    private final Path proc;

    public ProcScanner(Path proc) {
        this.proc = proc;
    }

    public static ProcScanner system() {
        return new ProcScanner(Path.of("/proc"));
    }

    public Path procRoot() {
        return proc;
    }

    /** The namespaces this process (the agent) lives in. */
    public Target.Namespaces ours() {
        try {
            return namespaces(proc.resolve("self"));
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read our own namespaces in " + proc + "/self/ns: " + e.getMessage(), e);
        }
    }

    /** Our own pid as this /proc tree sees it. */
    public long selfPid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(proc.resolve("self")).getFileName().toString());
        } catch (IOException | NumberFormatException e) {
            return ProcessHandle.current().pid();
        }
    }

    /** The process with this host pid, or empty when there is none (or it is a kernel thread). */
    public Optional<Target> read(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            String exe;
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty(); // kernel thread, zombie, or gone
            }
            if (exe.endsWith(" (deleted)")) {
                exe = exe.substring(0, exe.length() - " (deleted)".length());
            }
            ProcStatus status = ProcStatus.parse(pid, read(dir.resolve("status")));
            CgroupInfo cgroup = Files.exists(dir.resolve("cgroup")) ? CgroupInfo.parse(read(dir.resolve("cgroup"))) : CgroupInfo.NONE;
            String comm = Files.exists(dir.resolve("comm")) ? read(dir.resolve("comm")).strip() : status.name();
            return Optional.of(new Target(pid, status.innerPid(), exe, comm, cmdline(dir), cgroup.containerId(),
                    cgroup.runtime(), cgroup.podUid(), Optional.empty(), namespaces(dir)));
        } catch (IOException | RuntimeException e) {
            if (!Files.isDirectory(dir)) {
                return Optional.empty();
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                throw MeshdbgException.badInput("no permission to inspect pid " + pid + " (" + e.getMessage()
                        + "): run as root or as the process's user");
            }
            return Optional.empty();
        }
    }

    /** The state letter of a process now ({@code R}, {@code S}, {@code t}...), or empty if it is gone. */
    public Optional<Character> state(long pid) {
        try {
            return Optional.of(ProcStatus.parse(pid, read(proc.resolve(pid + "/status"))).state());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every user-space process we can read, except ourselves. */
    public List<Target> all() {
        List<Target> targets = new ArrayList<>();
        long self = selfPid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                try {
                    read(Long.parseLong(name)).ifPresent(targets::add);
                } catch (MeshdbgException denied) {
                    // Processes we may not inspect cannot be our target either; skip them in a scan.
                }
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot list " + proc + ": " + e.getMessage(), e);
        }
        targets.sort((a, b) -> Long.compare(a.hostPid(), b.hostPid()));
        return targets;
    }

    private static List<String> cmdline(Path dir) throws IOException {
        byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
        if (raw.length == 0) {
            return List.of();
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        return Arrays.asList(text.split("\0", -1));
    }

    static Target.Namespaces namespaces(Path dir) throws IOException {
        return new Target.Namespaces(inode(dir, "mnt"), inode(dir, "pid"), inode(dir, "uts"));
    }

    /** {@code /proc/PID/ns/mnt -> mnt:[4026531840]}: the inode identifies the namespace. */
    private static long inode(Path dir, String ns) throws IOException {
        String link = Files.readSymbolicLink(dir.resolve("ns").resolve(ns)).toString();
        int open = link.indexOf('[');
        int close = link.indexOf(']');
        if (open < 0 || close < open) {
            throw new IOException("unexpected namespace link " + link);
        }
        return Long.parseLong(link.substring(open + 1, close));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
