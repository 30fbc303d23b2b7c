package dev.meshdbg.agent.proc;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides how the debug server reaches the target, without ever entering a namespace we need not.
 * <ul>
 *   <li>The target shares our PID namespace (the host, or an ephemeral container beside the
 *   sidecar): joining its mount namespace would need {@code CAP_SYS_ADMIN}, which an ephemeral
 *   container never has. So no {@code setns} at all: our own server attaches by the pid we see,
 *   and the target's files (its libraries, for the debugger) are read through
 *   {@code /proc/PID/root}, which the guard puts in front of the paths the debugger asks for.</li>
 *   <li>The target is in another PID namespace (a container seen from its node): when its image
 *   carries a server and we have {@code nsenter}, that server runs under
 *   {@code nsenter -t HOSTPID -m -p -u --} (never {@code -n}: it still listens on our loopback)
 *   and attaches by the target's own pid; otherwise our own server attaches by the host pid, as
 *   in the shared case (a node agent's image has no nsenter).</li>
 * </ul>
 * Either way the host pid is kept, so the guard can signal the target itself.
 */
public final class DebugServerLocator {
    public static final String IMAGE_DIR = "/opt/meshdbg/bin";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * How to start the server: prefix its command with {@code commandPrefix}, run {@code binary}
     * (a path in the filesystem the prefix leads to), attach to {@code attachPid}; {@code hostPid}
     * is the same process as this agent sees it; {@code fileRoot}, when not empty, is where the
     * target's files are seen from the server ({@code /proc/PID/root}).
     */
    public record Placement(List<String> commandPrefix, String binary, long attachPid, long hostPid, String fileRoot) {
        public Placement {
            commandPrefix = List.copyOf(commandPrefix);
        }

        /** True when the server runs inside the target's namespaces. */
        public boolean inTargetNamespaces() {
            return !commandPrefix.isEmpty();
        }

        /** {@code entered}, {@code shared} (same mount namespace) or {@code proc-root}. */
        public String access() {
            return inTargetNamespaces() ? "entered" : fileRoot.isEmpty() ? "shared" : "proc-root";
        }
    }

    private final ProcScanner scanner;
    private final Path ownRoot;

    public DebugServerLocator(ProcScanner scanner) {
        this(scanner, Path.of("/"));
    }

    /** {@code ownRoot} stands for our own filesystem (tests point it at a fake one). */
    public DebugServerLocator(ProcScanner scanner, Path ownRoot) {
        this.scanner = scanner;
        this.ownRoot = ownRoot;
    }

    /**
     * {@code server} overrides the search: a path in the target's filesystem when the server is to
     * run in the target's namespaces, else in ours.
     */
    public Placement locate(Target target, Debugger debugger, Optional<String> server) {
        server.ifPresent(path -> {
            if (!path.startsWith("/")) {
                throw MeshdbgException.badInput("--server needs an absolute path, not " + path);
            }
            debugger.checkPairing(path);
        });
        Path targetRoot = scanner.procRoot().resolve(target.hostPid() + "/root");
        String fileRoot = target.namespaces().mnt() == scanner.ours().mnt() ? "" : "/proc/" + target.hostPid() + "/root";
        boolean sharedPid = target.namespaces().pid() == scanner.ours().pid();
        if (!sharedPid && canEnter()) {
            Optional<String> inTarget = server.isPresent()
                    ? server.filter(path -> dev.meshdbg.agent.server.DebugServerLocator.present(targetRoot, path))
                    : search(targetRoot, target, debugger);
            if (inTarget.isPresent()) {
                return new Placement(List.of("nsenter", "-t", Long.toString(target.hostPid()), "-m", "-p", "-u", "--"),
                        inTarget.get(), target.innerPid(), target.hostPid(), "");
            }
        }
        Optional<String> own = server.isPresent()
                ? server.filter(path -> dev.meshdbg.agent.server.DebugServerLocator.present(ownRoot, path))
                : dev.meshdbg.agent.server.DebugServerLocator.find(debugger.serverKind(), ownRoot, ownDirs());
        if (own.isPresent()) {
            return new Placement(List.of(), own.get(), target.hostPid(), target.hostPid(), fileRoot);
        }
        throw notFound(target, debugger, server, sharedPid ? Optional.empty() : Optional.of(targetRoot));
    }

    private MeshdbgException notFound(Target target, Debugger debugger, Optional<String> server, Optional<Path> targetRoot) {
        List<String> looked = new java.util.ArrayList<>();
        targetRoot.ifPresent(root -> looked.addAll(server.map(p -> List.of(inRoot(root, p)))
                .orElseGet(() -> searched(root, target, debugger))));
        looked.addAll(server.map(List::of).orElseGet(() ->
                dev.meshdbg.agent.server.DebugServerLocator.searched(debugger.serverKind(), ownDirs())));
        String what = server.map(p -> "debug server " + p + " not found").orElse("no " + debugger.serverName() + " found");
        return MeshdbgException.badInput(what + " for pid " + target.hostPid() + ": looked at " + String.join(", ", looked)
                + "; run meshdbg's agent image (meshdbg image agent), install " + debugger.serverName()
                + " here, or name one with --server PATH");
    }

    /** nsenter in our own filesystem: a node agent's image (distroless) has none, and then needs none. */
    private boolean canEnter() {
        return ownDirs().stream().anyMatch(d -> java.nio.file.Files.isExecutable(
                ownRoot.resolve(d.substring(1)).resolve("nsenter")));
    }

    /** Our own image's directory first, then our PATH. */
    private List<String> ownDirs() {
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add(IMAGE_DIR);
        dirs.addAll(pathDirs(Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH)));
        dirs.addAll(dev.meshdbg.agent.server.DebugServerLocator.BIN_DIRS);
        return List.copyOf(dirs);
    }

    private Optional<String> search(Path root, Target target, Debugger debugger) {
        return dev.meshdbg.agent.server.DebugServerLocator.find(debugger.serverKind(), root, dirs(root, target));
    }

    private List<String> searched(Path root, Target target, Debugger debugger) {
        return dev.meshdbg.agent.server.DebugServerLocator.searched(debugger.serverKind(), dirs(root, target)).stream().map(p -> inRoot(root, p)).toList();
    }

    private List<String> dirs(Path root, Target target) {
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add(IMAGE_DIR);
        dirs.addAll(pathDirs(targetPath(target)));
        return List.copyOf(dirs);
    }

    private static List<String> pathDirs(String path) {
        List<String> dirs = new java.util.ArrayList<>();
        for (String d : path.split(":")) {
            if (d.startsWith("/")) {
                dirs.add(d.endsWith("/") && d.length() > 1 ? d.substring(0, d.length() - 1) : d);
            }
        }
        return dirs;
    }

    /** The target's own PATH, from its environment; a standard one when it cannot be read. */
    private String targetPath(Target target) {
        try {
            byte[] env = Files.readAllBytes(scanner.procRoot().resolve(target.hostPid() + "/environ"));
            for (String var : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (var.startsWith("PATH=") && var.length() > 5) {
                    return var.substring(5);
                }
            }
        } catch (IOException e) {
            // Unreadable environment: fall back to the usual directories.
        }
        return DEFAULT_PATH;
    }

    private static String inRoot(Path root, String path) {
        return root.resolve(path.substring(1)).toString();
    }
}
