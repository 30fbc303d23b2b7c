package dev.meshdbg.image;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link ImageBuilder#build} made.
 *
 * @param image the target image reference (registry reference, or the name inside the tar)
 * @param digest the manifest digest ({@code sha256:...}); what to pin a workload to
 * @param pushed true when written to a registry (false for a tar)
 * @param envoy the Envoy inside and where it came from
 * @param labels the labels meshdbg set
 * @param layers names of the layers meshdbg added, bottom to top
 * @param upload the blobs and bytes sent to the registry (all zero for a tar)
 */
public record ImageBuild(String image, String digest, boolean pushed, EnvoyBinary envoy, Map<String, String> labels,
                         List<String> layers, UploadProgress upload, Duration elapsed) {

    /** The reference pinned by digest, e.g. {@code 127.0.0.1:5000/envoy@sha256:...}. */
    public String pinnedReference() {
        String repository = image;
        int at = repository.indexOf('@');
        if (at >= 0) {
            repository = repository.substring(0, at);
        }
        int slash = repository.lastIndexOf('/');
        int colon = repository.lastIndexOf(':');
        if (colon > slash) {
            repository = repository.substring(0, colon);
        }
        return repository + "@" + digest;
    }

    /** The command that puts this image on a workload's sidecar. */
    public String nextCommand() {
        String ref = pushed ? pinnedReference() : image;
        return envoy == null ? "meshdbg attach -n NAMESPACE POD --image " + ref
                : "meshdbg sidecar set-image WORKLOAD --image " + ref;
    }
}
