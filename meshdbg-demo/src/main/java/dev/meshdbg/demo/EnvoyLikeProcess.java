package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running envoy-like, started directly or under a wrapper ({@code unshare ...}, {@code ctr run ...}):
 * knows its port, answers whether it still serves, and its pid (the envoy-like process itself,
 * not the wrapper). Closing it kills the whole process tree it started.
 */
public final class EnvoyLikeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern WORKERS = Pattern.compile("with (\\d+) workers");
    private static final Pattern WORKER = Pattern.compile("(?i)\r\nX-Worker: (\\d+)\r\n");

    private final Process process;
    private final int port;
    private final int workers;

    private EnvoyLikeProcess(Process process, int port, int workers) {
        this.process = process;
        this.port = port;
        this.workers = workers;
    }

    /** Starts {@code wrapper... BINARY --port 0} and waits until it listens. */
    public static EnvoyLikeProcess start(List<String> wrapper, Path binary) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(binary.toString(), "--port", "0"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                drain(out);
                Matcher w = WORKERS.matcher(line);
                return new EnvoyLikeProcess(p, Integer.parseInt(m.group(1)), w.find() ? Integer.parseInt(w.group(1)) : 1);
            }
            seen.append(line).append('\n');
        }
        killTree(p.toHandle());
        throw MeshdbgException.failure("envoy-like did not start: " + seen.toString().strip(), null);
    }

    public static EnvoyLikeProcess start(Path binary) throws IOException {
        return start(List.of(), binary);
    }

    /**
     * Starts envoy-like as a pod stand-in: in fresh PID, mount and UTS namespaces whose hostname
     * is the pod's name, as the kubelet would run a sidecar (the network namespace stays ours, so
     * it still serves on our loopback). Needs root.
     */
    public static EnvoyLikeProcess startInPod(Path binary, String podName) throws IOException {
        return start(podWrapper(podName), binary);
    }

    /** The {@code unshare} command line that runs a program as {@link #startInPod} does. */
    public static List<String> podWrapper(String podName) {
        if (!podName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw MeshdbgException.badInput("'" + podName + "' is not a valid pod name (lowercase letters, digits, '-', '.')");
        }
        return List.of("unshare", "--fork", "--pid", "--mount-proc", "--mount", "--uts", "sh", "-c",
                "hostname " + podName + " && exec \"$0\" \"$@\"");
    }

    public int port() {
        return port;
    }

    /** The pid of envoy-like itself: the deepest descendant of the wrapper that runs the binary. */
    public long pid() {
        ProcessHandle leaf = process.toHandle();
        for (ProcessHandle h : descendants()) {
            if (h.info().command().map(c -> c.endsWith("envoy-like")).orElse(false)) {
                leaf = h;
            }
        }
        return leaf.pid();
    }

    /** How many worker threads serve, each with its own listener on the port. */
    public int workers() {
        return workers;
    }

    /** Sends one request and returns the body, or throws if no answer within the timeout. */
    public String get(String path, Duration timeout) throws IOException {
        String response = exchange(path, timeout);
        int body = response.indexOf("\r\n\r\n");
        return body < 0 ? response : response.substring(body + 4);
    }

    /** Sends one request and returns the number of the worker that answered it (its connection's owner). */
    public int worker(String path, Duration timeout) throws IOException {
        String response = exchange(path, timeout);
        Matcher m = WORKER.matcher(response);
        if (!m.find()) {
            throw new IOException("no X-Worker header in the answer: " + response);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * True when every worker answers within the timeout: requests on new connections, which the
     * kernel spreads over the workers' listeners, until each worker has answered one. A request
     * that a stopped worker holds is abandoned after a second.
     */
    public boolean everyWorkerServes(Duration timeout) {
        java.util.Set<Integer> answered = new java.util.HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered.size() < workers && System.nanoTime() < deadline) {
            try {
                answered.add(worker("/healthz", Duration.ofSeconds(1)));
            } catch (IOException e) {
                // held by a stopped worker, or refused: try another connection
            }
        }
        return answered.size() == workers;
    }

    /** The names of envoy-like's threads that a tracer holds stopped ({@code t} in /proc). */
    public List<String> stoppedThreads() throws IOException {
        List<String> stopped = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (stat.substring(close + 2, close + 3).equals("t")) {
                        stopped.add(stat.substring(stat.indexOf('(') + 1, close));
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return stopped;
    }

    private String exchange(String path, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** True when the process answers a request within the timeout. */
    public boolean serves(Duration timeout) {
        try {
            return get("/healthz", timeout).equals("ok\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's one-letter state of envoy-like ({@code R}, {@code S}, {@code t} when stopped by a tracer...). */
    public String state() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("State:")) {
                return line.substring(6).strip().substring(0, 1);
            }
        }
        return "?";
    }

    public boolean isAlive() {
        return process.isAlive() && ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The exit code of the started command, after it ended. */
    public Process process() {
        return process;
    }

    private List<ProcessHandle> descendants() {
        return process.toHandle().descendants().toList();
    }

    @Override
    public void close() {
        killTree(process.toHandle());
    }

    private static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Best effort: a process in another PID namespace may be reaped by its own init.
            }
        }
    }

    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // Keep the pipe empty so the target never blocks on stdout.
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "envoy-like-output");
        t.setDaemon(true);
        t.start();
    }
}
