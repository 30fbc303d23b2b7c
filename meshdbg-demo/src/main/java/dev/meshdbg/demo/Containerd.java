package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private containerd for tests and the demo: its own root, state, socket and config under one
 * directory (no CRI plugin), so it never touches a containerd the machine may already run.
 * Containers run from a plain rootfs ({@code ctr run --rootfs}); closing kills every task in its
 * namespace, deletes the containers, stops containerd and its shims, and unmounts what is left.
 */
public final class Containerd implements AutoCloseable {
    public static final String NAMESPACE = "meshdbg-test";

    private final Path dir;
    private final Process daemon;

    private Containerd(Path dir, Process daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    /** True when this machine can run it: root, and containerd, ctr and runc on PATH. */
    public static boolean available() {
        return "0".equals(idU()) && onPath("containerd") && onPath("ctr") && onPath("runc");
    }

    /** Starts containerd under {@code dir} and waits until it answers. */
    public static Containerd start(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.toml");
        Files.writeString(config, String.join("\n",
                "version = 2",
                "root = \"" + dir.resolve("root") + "\"",
                "state = \"" + dir.resolve("state") + "\"",
                // CRI would want a network and a pause image; ctr does not need it.
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "[grpc]",
                "  address = \"" + dir.resolve("containerd.sock") + "\"",
                "[ttrpc]",
                "  address = \"" + dir.resolve("containerd.sock.ttrpc") + "\"",
                "[debug]",
                "  address = \"" + dir.resolve("debug.sock") + "\"",
                ""), StandardCharsets.UTF_8);
        Process daemon = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd c = new Containerd(dir, daemon);
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            if (!daemon.isAlive()) {
                throw MeshdbgException.failure("containerd exited: " + c.log(), null);
            }
            if (Files.exists(dir.resolve("containerd.sock")) && c.tryCtr("version").exit == 0) {
                return c;
            }
            if (Instant.now().isAfter(deadline)) {
                c.close();
                throw MeshdbgException.failure("containerd did not answer within 20 s: " + c.log(), null);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** A fresh id in the form runtimes use: 64 hex digits. */
    public static String newContainerId() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** {@code ctr} with this containerd's socket and namespace, ready for more arguments. */
    public List<String> ctr() {
        return new ArrayList<>(List.of("ctr", "--address", socket().toString(), "--namespace", NAMESPACE));
    }

    /**
     * The command that runs a container in the foreground from {@code rootfs}, sharing the host's
     * network (so a server in it listens on our loopback); the program and its arguments follow.
     * {@code cgroup} may name a cgroup path (e.g. a kubepods-like one); empty keeps ctr's {@code /NAMESPACE/ID}.
     */
    public List<String> runCommand(String id, Path rootfs, String cgroup) {
        List<String> command = ctr();
        command.addAll(List.of("run", "--rm", "--net-host", "--rootfs"));
        if (!cgroup.isEmpty()) {
            command.addAll(List.of("--cgroup", cgroup));
        }
        command.addAll(List.of(rootfs.toAbsolutePath().toString(), id));
        return command;
    }

    /** The host pid of the container's task (its init process), once it runs. */
    public long taskPid(String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Result r = tryCtr("task", "ls");
            for (String line : r.output.split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 3 && cols[0].equals(id) && cols[2].equals("RUNNING")) {
                    return Long.parseLong(cols[1]);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw MeshdbgException.failure("container " + id + " has no running task: " + r.output.strip(), null);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** Runs ctr with this containerd's socket and namespace; fails on a non-zero exit. */
    public String ctr(String... args) {
        Result r = tryCtr(args);
        if (r.exit != 0) {
            throw MeshdbgException.failure("ctr " + String.join(" ", args) + " failed: " + r.output.strip(), null);
        }
        return r.output;
    }

    @Override
    public void close() {
        if (daemon.isAlive()) {
            for (String id : containers()) {
                tryCtr("task", "kill", "--signal", "SIGKILL", id);
            }
            sleep(Duration.ofMillis(300));
            for (String id : containers()) {
                tryCtr("task", "delete", "--force", id);
                tryCtr("container", "delete", id);
            }
        }
        stop(daemon.toHandle());
        // Shims outlive containerd by design; ours name our socket on their command line.
        String sock = socket().toString();
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("containerd-shim") && c.contains(sock)).orElse(false))
                .forEach(Containerd::stop);
        unmountUnder(dir);
    }

    private List<String> containers() {
        Result r = tryCtr("container", "ls", "--quiet");
        return r.exit != 0 ? List.of() : Stream.of(r.output.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void stop(ProcessHandle h) {
        h.destroy();
        try {
            h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    // Rootfs and shm mounts that a killed shim left behind, deepest first.
    private static void unmountUnder(Path dir) {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(dir.toAbsolutePath().toString())) {
                    mounts.add(f[4].replace("\\040", " "));
                }
            }
        } catch (IOException e) {
            return;
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            run(List.of("umount", "-l", m));
        }
    }

    private record Result(int exit, String output) {
    }

    private Result tryCtr(String... args) {
        List<String> command = ctr();
        command.addAll(List.of(args));
        return run(command);
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("containerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String idU() {
        return run(List.of("id", "-u")).output.strip();
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
