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
 * Decides how the debug server reaches the target. A target in other mount or PID namespaces (a
 * container, a pod) is debugged from inside them: the server runs under
 * {@code nsenter -t HOSTPID -m -p -u --}, never {@code -n}, so it still listens on our loopback,
 * attaches by the target's own pid, and comes from the target's filesystem. That is why the binary
 * is looked up under {@code /proc/HOSTPID/root}: first in the debug image's {@value #IMAGE_DIR},
 * then in the target's PATH.
 */
public final class DebugServerLocator {
    public static final String IMAGE_DIR = "/opt/meshdbg/bin";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * How to start the server: prefix its command with {@code commandPrefix}, run {@code binary}
     * (a path in the target's filesystem), and attach to {@code attachPid}.
     */
    public record Placement(List<String> commandPrefix, String binary, long attachPid, boolean inTargetNamespaces) {
        public Placement {
            commandPrefix = List.copyOf(commandPrefix);
        }
    }

    private final ProcScanner scanner;

    public DebugServerLocator(ProcScanner scanner) {
        this.scanner = scanner;
    }

    /** {@code server} overrides the search; it is a path in the target's filesystem too. */
    public Placement locate(Target target, Debugger debugger, Optional<String> server) {
        boolean enter = target.isolatedFrom(scanner.ours());
        Path root = enter ? scanner.procRoot().resolve(target.hostPid() + "/root") : Path.of("/");
        String binary;
        if (server.isPresent()) {
            String path = server.get();
            if (!path.startsWith("/")) {
                throw MeshdbgException.badInput("--server needs an absolute path, not " + path);
            }
            debugger.checkPairing(path);
            if (!dev.meshdbg.agent.server.DebugServerLocator.present(root, path)) {
                throw MeshdbgException.badInput("debug server " + path + " not found" + where(target, enter, root)
                        + ": looked at " + inRoot(root, path));
            }
            binary = path;
        } else {
            binary = search(root, target, debugger).orElseThrow(() -> MeshdbgException.badInput("no " + debugger.serverName()
                    + where(target, enter, root) + ": looked in " + String.join(", ", searched(root, target, debugger))
                    + "; put one in the target's image (" + IMAGE_DIR + "/) or name it with --server PATH"));
        }
        if (!enter) {
            return new Placement(List.of(), binary, target.hostPid(), false);
        }
        return new Placement(List.of("nsenter", "-t", Long.toString(target.hostPid()), "-m", "-p", "-u", "--"),
                binary, target.innerPid(), true);
    }

    private static String where(Target target, boolean enter, Path root) {
        return enter ? " in the filesystem of pid " + target.hostPid() + " (seen from here as " + root + ")" : "";
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
        for (String d : targetPath(target).split(":")) {
            if (d.startsWith("/")) {
                dirs.add(d.endsWith("/") && d.length() > 1 ? d.substring(0, d.length() - 1) : d);
            }
        }
        return List.copyOf(dirs);
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
