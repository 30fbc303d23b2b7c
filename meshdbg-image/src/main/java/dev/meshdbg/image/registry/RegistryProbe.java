package dev.meshdbg.image.registry;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Asks a registry's {@code /v2/} endpoint over HTTPS, then over plain HTTP, and says which one it
 * speaks: what a node's containerd must be told before it can pull from it. A 401 counts as an
 * answer (the registry is there; it wants credentials).
 */
public final class RegistryProbe {
    /** How the registry answers. */
    public enum Mode {
        /** HTTPS with a certificate this machine trusts: containerd needs no configuration. */
        HTTPS,
        /** HTTPS, but the certificate is not trusted here: containerd needs skip_verify or the CA. */
        HTTPS_UNTRUSTED,
        /** Plain HTTP only, like a local {@code registry:2} on port 5000. */
        HTTP,
        /** Neither answered. */
        UNREACHABLE
    }

    /** One attempt: the status code, or why there was none. */
    public record Attempt(String url, int status, String error) {
        public boolean answered() {
            return status > 0;
        }
    }

    /** The verdict for {@code host} (host:port as it appears in image references). */
    public record Result(String host, Mode mode, Attempt https, Attempt http) {
    }

    private final Duration timeout;

    public RegistryProbe(Duration timeout) {
        this.timeout = timeout;
    }

    public Result probe(String reference) {
        String host = registryHost(reference);
        Attempt https = attempt("https://" + host + "/v2/");
        Attempt http = https.answered() ? new Attempt("http://" + host + "/v2/", 0, "not tried") : attempt("http://" + host + "/v2/");
        Mode mode;
        if (https.answered()) {
            mode = Mode.HTTPS;
        } else if (https.error().contains("certificate") || https.error().contains("PKIX")) {
            mode = Mode.HTTPS_UNTRUSTED;
        } else if (http.answered()) {
            mode = Mode.HTTP;
        } else {
            mode = Mode.UNREACHABLE;
        }
        return new Result(host, mode, https, http);
    }

    /** The registry part of an image reference, as docker and Jib read it; Docker Hub for bare names. */
    public static String registryHost(String reference) {
        String ref = reference.strip();
        if (ref.isEmpty() || ref.contains(" ") || ref.contains("://")) {
            throw MeshdbgException.badInput("'" + reference + "' is not an image reference or registry (like 192.168.122.1:5000 or registry:5000/envoy:debug)");
        }
        int slash = ref.indexOf('/');
        String first = slash < 0 ? ref : ref.substring(0, slash);
        // docker's rule for a reference's first component, plus bare "host:port" or "host.domain" for a registry alone.
        boolean isHost = slash < 0
                ? first.contains(".") || first.equals("localhost") || first.matches("[^:]+:\\d+")
                : first.contains(".") || first.contains(":") || first.equals("localhost");
        if (!isHost) {
            return "registry-1.docker.io";
        }
        return first.toLowerCase(Locale.ROOT);
    }

    private Attempt attempt(String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return new Attempt(url, r.statusCode(), "");
        } catch (SSLException e) {
            return new Attempt(url, 0, "TLS: " + e.getMessage());
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof SSLException ssl ? ssl : e;
            String what = cause instanceof SSLException ? "TLS: " : cause.getClass().getSimpleName() + ": ";
            String message = cause.getMessage() != null ? cause.getMessage()
                    : cause instanceof java.net.ConnectException ? "connection refused" : "no answer";
            return new Attempt(url, 0, what + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while probing " + url, e);
        } catch (IllegalArgumentException e) {
            throw MeshdbgException.badInput("cannot probe '" + url + "': " + e.getMessage());
        }
    }
}
