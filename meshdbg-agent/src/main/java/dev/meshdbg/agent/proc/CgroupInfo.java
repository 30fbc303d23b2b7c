package dev.meshdbg.agent.proc;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process's {@code /proc/PID/cgroup} says about its container: the container id, the
 * runtime whose path form carried it, and the pod UID when the kubelet put it in the path.
 * Understands cgroup v1 and v2 lines and the path forms of containerd ({@code /NAMESPACE/ID}),
 * CRI under kubepods (cgroupfs {@code kubepods/burstable/podUID/ID} and systemd
 * {@code kubepods-…-podUID.slice/cri-containerd-ID.scope}), docker ({@code /docker/ID},
 * {@code docker-ID.scope}), cri-o ({@code crio-ID.scope}) and podman ({@code libpod-ID.scope}).
 */
public record CgroupInfo(Optional<String> containerId, Optional<String> runtime, Optional<String> podUid) {
    public static final CgroupInfo NONE = new CgroupInfo(Optional.empty(), Optional.empty(), Optional.empty());

    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");
    // A containerd name as ctr accepts it: used only for the plain /NAMESPACE/ID form.
    private static final Pattern CONTAINERD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern POD_UID = Pattern.compile(
            "pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})");
    private static final List<String[]> SCOPE_PREFIXES = List.of(
            new String[] {"cri-containerd-", "containerd"},
            new String[] {"docker-", "docker"},
            new String[] {"crio-", "cri-o"},
            new String[] {"libpod-", "podman"});

    /** Parses the whole text of {@code /proc/PID/cgroup}; the first line naming a container wins. */
    public static CgroupInfo parse(String text) {
        Optional<String> podUid = Optional.empty();
        for (String line : text.split("\n")) {
            String path = pathOf(line);
            if (path == null) {
                continue;
            }
            if (podUid.isEmpty()) {
                podUid = podUid(path);
            }
            CgroupInfo info = parsePath(path);
            if (info.containerId().isPresent()) {
                return new CgroupInfo(info.containerId(), info.runtime(), podUid);
            }
        }
        return new CgroupInfo(Optional.empty(), Optional.empty(), podUid);
    }

    /** The container named by one cgroup path, e.g. {@code /kubepods/besteffort/pod…/0123…}. */
    static CgroupInfo parsePath(String path) {
        String[] parts = path.split("/");
        boolean kube = path.contains("kubepods");
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i];
            if (part.isEmpty() || part.startsWith("crio-conmon-")) {
                continue; // conmon watches the container; it is not the container's process
            }
            String runtime = null;
            String id = part.endsWith(".scope") ? part.substring(0, part.length() - ".scope".length()) : part;
            for (String[] prefix : SCOPE_PREFIXES) {
                if (id.startsWith(prefix[0])) {
                    id = id.substring(prefix[0].length());
                    runtime = prefix[1];
                    break;
                }
            }
            if (FULL_ID.matcher(id).matches()) {
                if (runtime == null) {
                    runtime = kube ? "cri" : i > 0 && parts[i - 1].equals("docker") ? "docker" : "containerd";
                }
                return of(id, runtime);
            }
        }
        // containerd without CRI (ctr run): /NAMESPACE/ID, where ID may be any name ctr accepted.
        if (parts.length == 3 && parts[0].isEmpty() && !isSystemdUnit(parts[1]) && !isSystemdUnit(parts[2])
                && !kube && CONTAINERD_NAME.matcher(parts[1]).matches() && CONTAINERD_NAME.matcher(parts[2]).matches()) {
            return of(parts[2], "containerd");
        }
        return NONE;
    }

    private static CgroupInfo of(String id, String runtime) {
        return new CgroupInfo(Optional.of(id), Optional.of(runtime), Optional.empty());
    }

    static Optional<String> podUid(String path) {
        Matcher m = POD_UID.matcher(path);
        String uid = null;
        while (m.find()) {
            uid = m.group(1); // the innermost pod… component
        }
        return Optional.ofNullable(uid).map(u -> u.replace('_', '-').toLowerCase(Locale.ROOT));
    }

    private static boolean isSystemdUnit(String part) {
        return part.endsWith(".slice") || part.endsWith(".service") || part.endsWith(".scope") || part.endsWith(".mount");
    }

    /** {@code ID:CONTROLLERS:PATH}; the path may itself contain colons. */
    private static String pathOf(String line) {
        int first = line.indexOf(':');
        int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        return second < 0 ? null : line.substring(second + 1).strip();
    }
}
