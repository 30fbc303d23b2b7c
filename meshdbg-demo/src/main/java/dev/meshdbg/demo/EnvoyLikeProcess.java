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

    private final Process process;
    private final int port;

    private EnvoyLikeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
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
                return new EnvoyLikeProcess(p, Integer.parseInt(m.group(1)));
            }
            seen.append(line).append('\n');
        }
        killTree(p.toHandle());
        throw MeshdbgException.failure("envoy-like did not start: " + seen.toString().strip(), null);
    }

    public static EnvoyLikeProcess start(Path binary) throws IOException {
        return start(List.of(), binary);
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

    /** Sends one request and returns the body, or throws if no answer within the timeout. */
    public String get(String path, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4);
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
