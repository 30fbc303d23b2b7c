package dev.meshdbg.agent.proc;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The UTS hostname of a process's namespace: for a pod's process, the pod name. In our own UTS
 * namespace it is our hostname; in another one we must enter it ({@code nsenter -t PID -u}), so
 * the answer is cached per namespace inode and asked only for candidates.
 */
public interface HostnameReader {
    String hostname(Target target);

    /**
     * The hostname only when it costs no namespace entry (ours): for reports, where a name is
     * nice but not needed. An ephemeral container may not enter any namespace.
     */
    default Optional<String> ifCheap(Target target) {
        return Optional.of(hostname(target));
    }

    /** Reads through the kernel: our namespace directly, others with nsenter. */
    static HostnameReader system(ProcScanner scanner) {
        long ourUts = scanner.ours().uts();
        Map<Long, String> byNamespace = new HashMap<>();
        return new HostnameReader() {
            @Override
            public String hostname(Target target) {
                return byNamespace.computeIfAbsent(target.namespaces().uts(), uts -> uts == ourUts
                        ? ourHostname(scanner.procRoot())
                        : entered(target.hostPid()));
            }

            @Override
            public Optional<String> ifCheap(Target target) {
                return target.namespaces().uts() == ourUts || byNamespace.containsKey(target.namespaces().uts())
                        ? Optional.of(hostname(target)) : Optional.empty();
            }
        };
    }

    private static String ourHostname(Path proc) {
        try {
            return Files.readString(proc.resolve("sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read our hostname: " + e.getMessage(), e);
        }
    }

    // The hostname sysctl answers for the reader's UTS namespace, so entering only -u is enough.
    private static String entered(long pid) {
        List<String> command = List.of("nsenter", "-t", Long.toString(pid), "-u", "cat", "/proc/sys/kernel/hostname");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw MeshdbgException.failure("nsenter -t " + pid + " -u did not answer within 10 s", null);
            }
            if (p.exitValue() != 0) {
                if (!Files.isDirectory(Path.of("/proc/" + pid))) {
                    return ""; // ended between the scan and now: it cannot be the pod's process
                }
                if (out.contains("not permitted") || out.contains("ermission denied")) {
                    throw MeshdbgException.badInput("no permission to enter the UTS namespace of pid " + pid
                            + " to read its hostname (" + out + "): run as root");
                }
                throw MeshdbgException.failure("cannot read the hostname of pid " + pid + ": " + out, null);
            }
            return out;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run nsenter to read the hostname of pid " + pid
                    + " (install util-linux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while reading the hostname of pid " + pid, e);
        }
    }
}
