package dev.meshdbg.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads an image back from a registry over plain HTTP, the way a node's containerd would see it. */
final class RegistryContent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = String.join(",",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.image.manifest.v1+json");

    /** One file in a layer: its path (no leading slash), mode bits and size. */
    record Entry(String path, int mode, long size, boolean directory) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String host;

    RegistryContent(String host) {
        this.host = host;
    }

    JsonNode manifest(String repository, String reference) throws IOException {
        return JSON.readTree(get("/v2/" + repository + "/manifests/" + reference, ACCEPT));
    }

    JsonNode config(String repository, JsonNode manifest) throws IOException {
        return JSON.readTree(blob(repository, manifest.get("config").get("digest").asText()));
    }

    byte[] blob(String repository, String digest) throws IOException {
        return get("/v2/" + repository + "/blobs/" + digest, "*/*");
    }

    List<String> layerDigests(JsonNode manifest) {
        List<String> digests = new ArrayList<>();
        manifest.get("layers").forEach(l -> digests.add(l.get("digest").asText()));
        return digests;
    }

    /** The entries of a gzip'd layer tar, in order. */
    static Map<String, Entry> entries(byte[] layer) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                entries.put(name, new Entry(name, e.getMode() & 07777, e.getSize(), e.isDirectory()));
            }
        }
        return entries;
    }

    /** Extracts one file of a gzip'd layer tar to {@code out}. */
    static Path extract(byte[] layer, String path, Path out) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.getName().replaceFirst("^\\./", "").equals(path)) {
                    Files.copy(tar, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    return out;
                }
            }
        }
        throw new IOException(path + " is not in the layer");
    }

    int status(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + host + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private byte[] get(String path, String accept) throws IOException {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + path))
                    .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] body = in.readAllBytes();
                if (r.statusCode() != 200) {
                    throw new IOException("GET " + path + ": " + r.statusCode() + " " + new String(body));
                }
                return body;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
