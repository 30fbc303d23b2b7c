package dev.meshdbg.agent.proc;

import java.util.List;
import java.util.Optional;

/**
 * One process found in /proc: where it lives (host pid, the pid inside its own PID namespace, its
 * mount/PID/UTS namespace inodes), what it runs, and the container and pod it belongs to.
 * {@code hostname} is the UTS hostname of its namespace — the pod name for a pod's process — and
 * is filled in only for candidates, since reading another namespace's hostname costs a process.
 */
public record Target(long hostPid, long innerPid, String exe, String comm, List<String> cmdline,
                     Optional<String> containerId, Optional<String> runtime, Optional<String> podUid,
                     Optional<String> hostname, Namespaces namespaces) {
    public Target {
        cmdline = List.copyOf(cmdline);
    }

    /** The inodes of the namespaces that matter for attaching: mount, PID and UTS. */
    public record Namespaces(long mnt, long pid, long uts) {
    }

    public Target withHostname(String name) {
        return new Target(hostPid, innerPid, exe, comm, cmdline, containerId, runtime, podUid,
                Optional.ofNullable(name), namespaces);
    }

    /** The file name of the executable, e.g. {@code envoy}. */
    public String exeName() {
        int slash = exe.lastIndexOf('/');
        return slash < 0 ? exe : exe.substring(slash + 1);
    }

    /** True when this process runs in other mount or PID namespaces than {@code ours}. */
    public boolean isolatedFrom(Namespaces ours) {
        return namespaces.mnt() != ours.mnt() || namespaces.pid() != ours.pid();
    }

    /** One line for lists of candidates: pid, pod/hostname, container, command line. */
    public String describe() {
        StringBuilder s = new StringBuilder("pid ").append(hostPid);
        if (innerPid != hostPid) {
            s.append(" (").append(innerPid).append(" inside)");
        }
        hostname.ifPresent(h -> s.append("  hostname ").append(h));
        containerId.ifPresent(c -> s.append("  container ").append(c, 0, Math.min(12, c.length())));
        String line = String.join(" ", cmdline.isEmpty() ? List.of("[" + comm + "]") : cmdline);
        s.append("  ").append(line.length() > 100 ? line.substring(0, 97) + "..." : line);
        return s.toString();
    }
}
