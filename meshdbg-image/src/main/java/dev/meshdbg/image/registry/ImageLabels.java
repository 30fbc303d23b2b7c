package dev.meshdbg.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The labels of an image in a registry (its config's {@code Labels}), read anonymously over the
 * registry API: manifest (the {@code linux/ARCH} entry of an index), then the config blob.
 * Registries that want a token for anonymous pulls (Docker Hub) get the usual Bearer dance.
 */
public final class ImageLabels {
    private static final String ACCEPT = String.join(",",
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;
    private final HttpClient http;

    public ImageLabels(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The labels of {@code reference} for {@code architecture} (amd64, arm64); a failure says what was asked. */
    public Map<String, String> read(String reference, String architecture) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            throw MeshdbgException.badInput("'" + reference + "' is not an image reference");
        }
        RegistryProbe.Result probe = new RegistryProbe(timeout).probe(reference);
        String scheme = switch (probe.mode()) {
            case HTTPS -> "https";
            case HTTP -> "http";
            default -> throw MeshdbgException.failure("cannot reach the registry of " + reference + " ("
                    + probe.https().error() + ")", null);
        };
        String base = scheme + "://" + probe.host() + "/v2/" + ref.getRepository();
        Session session = new Session(ref.getRepository());
        JsonNode manifest = session.json(base + "/manifests/" + ref.getQualifier(), ACCEPT);
        if (manifest.has("manifests")) {
            String digest = null;
            for (JsonNode m : manifest.path("manifests")) {
                JsonNode p = m.path("platform");
                if (p.path("os").asText().equals("linux") && p.path("architecture").asText().equals(architecture)) {
                    digest = m.path("digest").asText();
                }
            }
            if (digest == null) {
                throw MeshdbgException.badInput(reference + " has no linux/" + architecture + " image");
            }
            manifest = session.json(base + "/manifests/" + digest, ACCEPT);
        }
        JsonNode config = session.json(base + "/blobs/" + manifest.path("config").path("digest").asText(), "*/*");
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("config").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** Requests for one repository, with the token once one was asked for. */
    private final class Session {
        private final String repository;
        private String token;

        Session(String repository) {
            this.repository = repository;
        }

        JsonNode json(String url, String accept) {
            HttpResponse<String> r = get(url, accept);
            if (r.statusCode() == 401 && token == null) {
                token = token(r.headers().firstValue("WWW-Authenticate").orElse(""), url);
                r = get(url, accept);
            }
            if (r.statusCode() != 200) {
                throw MeshdbgException.failure("GET " + url + " answered HTTP " + r.statusCode(), null);
            }
            try {
                return JSON.readTree(r.body());
            } catch (IOException e) {
                throw MeshdbgException.failure("GET " + url + " is not JSON: " + e.getMessage(), e);
            }
        }

        private HttpResponse<String> get(String url, String accept) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", accept).GET();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw MeshdbgException.failure("GET " + url + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw MeshdbgException.failure("interrupted reading " + url, e);
            }
        }

        private String token(String challenge, String url) {
            if (!challenge.startsWith("Bearer ")) {
                throw MeshdbgException.failure("GET " + url + " needs credentials (" + challenge + ")", null);
            }
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = PARAM.matcher(challenge);
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            String realm = Optional.ofNullable(params.get("realm"))
                    .orElseThrow(() -> MeshdbgException.failure("GET " + url + ": a token challenge without a realm", null));
            String query = "scope=" + enc("repository:" + repository + ":pull")
                    + (params.containsKey("service") ? "&service=" + enc(params.get("service")) : "");
            JsonNode t = json2(realm + (realm.contains("?") ? "&" : "?") + query);
            String value = t.hasNonNull("token") ? t.path("token").asText() : t.path("access_token").asText(null);
            if (value == null) {
                throw MeshdbgException.failure("the token service " + realm + " gave no token", null);
            }
            return value;
        }

        private JsonNode json2(String url) {
            HttpResponse<String> r = get(url, "application/json");
            try {
                if (r.statusCode() != 200) {
                    throw MeshdbgException.failure("GET " + url + " answered HTTP " + r.statusCode(), null);
                }
                return JSON.readTree(r.body());
            } catch (IOException e) {
                throw MeshdbgException.failure("GET " + url + " is not JSON: " + e.getMessage(), e);
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
