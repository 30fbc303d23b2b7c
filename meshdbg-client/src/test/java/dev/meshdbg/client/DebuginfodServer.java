package dev.meshdbg.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real debuginfod serving one directory. It has no option to listen on loopback only, so
 * it runs in a network namespace of its own, and socat carries 127.0.0.1:PORT here to it through a
 * Unix socket (a file, which both namespaces see). Closing kills every process it started.
 */
final class DebuginfodServer implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    final String url;

    private DebuginfodServer(int port) {
        this.url = "http://127.0.0.1:" + port;
    }

    /** Starts the server on {@code served} and the relay; returns once the server is up. */
    static DebuginfodServer start(Path served, Path workDir) throws Exception {
        Path socket = workDir.resolve("debuginfod.sock");
        Path log = workDir.resolve("debuginfod.log");
        DebuginfodServer server = new DebuginfodServer(LiveSession.freePort());
        try {
            String inside = "ip link set lo up && debuginfod -F -p 8002 -d " + workDir.resolve("debuginfod.sqlite") + " " + served
                    + " & exec socat UNIX-LISTEN:" + socket + ",fork TCP:127.0.0.1:8002";
            server.processes.add(new ProcessBuilder("unshare", "--net", "sh", "-c", inside)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(socket)) {
                if (System.nanoTime() > deadline || !server.processes.get(0).isAlive()) {
                    throw new AssertionError("debuginfod's namespace did not start: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
            server.processes.add(new ProcessBuilder("socat", "TCP-LISTEN:" + server.url.substring(server.url.lastIndexOf(':') + 1)
                    + ",bind=127.0.0.1,reuseaddr,fork", "UNIX-CONNECT:" + socket)
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("socat.log").toFile()).start());
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** Waits until the server answers for this build-id (its first scan is done), and returns the status. */
    int awaitServed(String buildId, String kind) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url + "/buildid/" + buildId + "/" + kind)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = -1;
        while (status != 200 && System.nanoTime() < deadline) {
            try {
                status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1; // the relay or the server is not up yet
            }
            if (status != 200) {
                Thread.sleep(200);
            }
        }
        return status;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            tree.add(p.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : tree) {
                h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join();
            }
        }
    }
}
