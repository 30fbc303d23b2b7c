package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.nio.file.Path;

/** Registry credentials the way Jib and docker find them: docker config.json (and its helpers), then well-known helpers. */
final class Credentials {
    private Credentials() {
    }

    static RegistryImage attach(RegistryImage image, ImageReference ref, ImageSpec spec, BuildListener listener) {
        CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(ref, log -> {
            if (log.getLevel() == LogEvent.Level.WARN || log.getLevel() == LogEvent.Level.ERROR) {
                listener.warning(log.getMessage());
            }
        });
        if (spec.dockerConfig().isPresent()) {
            return image.addCredentialRetriever(factory.dockerConfig(spec.dockerConfig().get()));
        }
        String dockerConfigDir = System.getenv("DOCKER_CONFIG");
        if (dockerConfigDir != null && !dockerConfigDir.isBlank()) {
            image.addCredentialRetriever(factory.dockerConfig(Path.of(dockerConfigDir, "config.json")));
        }
        return image.addCredentialRetriever(factory.dockerConfig())
                .addCredentialRetriever(factory.wellKnownCredentialHelpers());
    }
}
