package dev.meshdbg.agent.proc;

import dev.meshdbg.errors.MeshdbgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How the user names the process to debug. Every given criterion must hold; the answer is exactly
 * one process or a {@link MeshdbgException} saying why not (listing the candidates when several match).
 *
 * <ul>
 *   <li>{@code pid}: the host pid;</li>
 *   <li>{@code name}: the comm or the executable's file name ({@code envoy});</li>
 *   <li>{@code pod}: the UTS hostname of the process's namespace, which is the pod name in Kubernetes;</li>
 *   <li>{@code container}: a container id, or a unique prefix of at least 12 characters.</li>
 * </ul>
 * A pod or container usually holds several processes (pause, pilot-agent, envoy): without
 * {@code name}, several candidates are narrowed to those named {@value #DEFAULT_NAME}.
 */
public record TargetQuery(Optional<Long> pid, Optional<String> name, Optional<String> pod, Optional<String> container) {
    public static final String DEFAULT_NAME = "envoy";
    public static final int MIN_PREFIX = 12;

    public static TargetQuery of(Long pid, String name, String pod, String container) {
        return new TargetQuery(Optional.ofNullable(pid), blankToEmpty(name), blankToEmpty(pod),
                blankToEmpty(container).map(c -> c.toLowerCase(Locale.ROOT)));
    }

    /** Checks the query alone, before touching /proc. */
    public void validate() {
        if (pid.isEmpty() && name.isEmpty() && pod.isEmpty() && container.isEmpty()) {
            throw MeshdbgException.badInput("say which process to debug: --pid N, --name NAME, --pod NAME or --container ID");
        }
        if (pid.isPresent() && pid.get() <= 0) {
            throw MeshdbgException.badInput("--pid must be a positive number, not " + pid.get());
        }
    }

    public Target resolve(ProcScanner scanner, HostnameReader hostnames) {
        validate();
        if (pid.isPresent()) {
            Target t = scanner.read(pid.get()).orElseThrow(() -> MeshdbgException.badInput(
                    "no process with pid " + pid.get() + " (or it is a kernel thread)"));
            List<Target> kept = filter(List.of(t), hostnames);
            if (kept.isEmpty()) {
                throw MeshdbgException.badInput("pid " + pid.get() + " does not match " + criteria() + ": " + t.describe());
            }
            return kept.get(0).hostname().isPresent() ? kept.get(0) : withCheapHostname(kept.get(0), hostnames);
        }
        List<Target> found = filter(scanner.all(), hostnames);
        if (found.size() > 1 && name.isEmpty()) {
            List<Target> named = found.stream().filter(t -> hasName(t, DEFAULT_NAME)).toList();
            if (!named.isEmpty()) {
                found = named;
            }
        }
        if (found.isEmpty()) {
            throw MeshdbgException.badInput("no process matches " + criteria());
        }
        if (found.size() > 1) {
            List<Target> listed = found.stream().map(t -> t.hostname().isPresent() ? t : withCheapHostname(t, hostnames)).toList();
            throw MeshdbgException.badInput(found.size() + " processes match " + criteria()
                    + "; name one with --pid (or --name):\n  "
                    + listed.stream().map(Target::describe).collect(Collectors.joining("\n  ")));
        }
        Target t = found.get(0);
        return t.hostname().isPresent() ? t : withCheapHostname(t, hostnames);
    }

    // Only the --pod criterion needs the hostname; elsewhere it is read when that enters no namespace.
    private static Target withCheapHostname(Target t, HostnameReader hostnames) {
        return hostnames.ifCheap(t).map(t::withHostname).orElse(t);
    }

    // Cheap criteria first; the hostname costs a process per namespace, so it comes last.
    private List<Target> filter(List<Target> all, HostnameReader hostnames) {
        List<Target> kept = new ArrayList<>(all);
        if (container.isPresent()) {
            kept.removeIf(t -> !inContainer(t));
            TreeSet<String> ids = kept.stream().map(t -> t.containerId().orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
            if (ids.size() > 1) {
                throw MeshdbgException.badInput("container id prefix '" + container.get() + "' is ambiguous: it matches "
                        + String.join(", ", ids) + "; give more characters");
            }
        }
        name.ifPresent(n -> kept.removeIf(t -> !hasName(t, n)));
        if (pod.isPresent()) {
            List<Target> inPod = new ArrayList<>();
            for (Target t : kept) {
                Target withHost = t.hostname().isPresent() ? t : t.withHostname(hostnames.hostname(t));
                if (withHost.hostname().orElse("").equals(pod.get())) {
                    inPod.add(withHost);
                }
            }
            return inPod;
        }
        return kept;
    }

    private boolean inContainer(Target t) {
        String wanted = container.orElseThrow();
        return t.containerId().map(id -> {
            String lower = id.toLowerCase(Locale.ROOT);
            return lower.equals(wanted) || (wanted.length() >= MIN_PREFIX && lower.startsWith(wanted));
        }).orElse(false);
    }

    static boolean hasName(Target t, String name) {
        return t.comm().equals(name) || t.exeName().equals(name);
    }

    private String criteria() {
        List<String> parts = new ArrayList<>();
        pid.ifPresent(p -> parts.add("--pid " + p));
        name.ifPresent(n -> parts.add("--name " + n));
        pod.ifPresent(p -> parts.add("--pod " + p + " (hostname of the process's UTS namespace)"));
        container.ifPresent(c -> parts.add("--container " + c + (c.length() < MIN_PREFIX
                ? " (a prefix needs at least " + MIN_PREFIX + " characters)" : "")));
        return String.join(" ", parts);
    }

    private static Optional<String> blankToEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }
}
