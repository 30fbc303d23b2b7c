package dev.meshdbg.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The source revision for the image's label: given, or the git HEAD of the source root (or of Envoy's directory). */
final class SourceRevision {
    private SourceRevision() {
    }

    static Optional<String> find(ImageSpec spec) {
        if (spec.revision().isPresent()) {
            return spec.revision();
        }
        Path dir = spec.sourceRoot().orElse(spec.agentOnly() ? null : spec.envoy().toAbsolutePath().getParent());
        return dir != null && Files.isDirectory(dir) ? gitHead(dir) : Optional.empty();
    }

    static Optional<String> gitHead(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "--verify", "-q", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40,64}")) {
                return Optional.of(out);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no git: the revision is simply unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
