package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real {@code docker-registry} (Debian's distribution registry) on 127.0.0.1 with its own config,
 * filesystem storage under one directory and, optionally, htpasswd authentication. Counts the blob
 * uploads it committed from its access log. Closing kills it by pid.
 */
public final class Registry implements AutoCloseable {
    private static final Pattern BLOB_COMMIT = Pattern.compile("\"PUT /v2/\\S+/blobs/uploads/\\S*digest=");

    private final Process process;
    private final int port;
    private final Path log;

    private Registry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** True when docker-registry is installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/docker-registry"));
    }

    /** Starts a registry without authentication. */
    public static Registry start(Path dir) throws IOException {
        return start(dir, Optional.empty());
    }

    /** Starts a registry; with {@code htpasswd} (bcrypt entries) every request needs those credentials. */
    public static Registry start(Path dir, Optional<Path> htpasswd) throws IOException {
        Files.createDirectories(dir);
        int port = freePort();
        StringBuilder yaml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: info\n  accesslog:\n    disabled: false\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        htpasswd.ifPresent(file -> yaml.append("auth:\n  htpasswd:\n    realm: meshdbg-test\n    path: ").append(file).append('\n'));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Registry registry = new Registry(p, port, log);
        Instant deadline = Instant.now().plusSeconds(20);
        while (registry.status("/v2/") < 0) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                String out = Files.readString(log);
                registry.close();
                throw MeshdbgException.failure("docker-registry did not start: " + out.strip(), null);
            }
            sleep(100);
        }
        return registry;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Blob uploads the registry has committed so far (layers and image configs). */
    public long blobUploads() throws IOException {
        return Files.readAllLines(log).stream().filter(l -> BLOB_COMMIT.matcher(l).find()).count();
    }

    /** The HTTP status of a GET without credentials, or -1 when nothing answers. */
    public int status(String path) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + host() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Writes an htpasswd file with one bcrypt entry (needs htpasswd from apache2-utils). */
    public static Path htpasswd(Path file, String user, String password) throws IOException {
        Process p = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw MeshdbgException.failure("htpasswd failed: " + out, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Files.writeString(file, out.strip() + "\n");
        return file;
    }

    /** True when htpasswd is installed. */
    public static boolean htpasswdAvailable() {
        return List.of("/usr/bin/htpasswd", "/usr/sbin/htpasswd").stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port nothing listens on right now (for the registry, or for "unreachable" checks). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
