package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.image.registry.ImageLabels;
import java.time.Duration;
import java.util.Map;

/**
 * Whether an image carries meshdbg's agent, decided by its labels (an image built by
 * {@code meshdbg image build} or {@code meshdbg image agent} has {@value #LABEL_AGENT}), never by
 * its name: a stock {@code proxyv2} image has none, and then the ephemeral container needs
 * {@code --image} set to an agent image.
 */
public final class AgentImages {
    public static final String LABEL_AGENT = "dev.meshdbg.agent";

    private AgentImages() {
    }

    /** The agent launcher path when {@code reference} carries the agent; a one-line refusal when it does not. */
    public static String requireAgent(String reference, ImagePlatform platform, Duration timeout) {
        Map<String, String> labels;
        try {
            labels = new ImageLabels(timeout).read(reference, platform.architecture());
        } catch (MeshdbgException e) {
            throw MeshdbgException.badInput("cannot read the labels of the sidecar's image " + reference + " (" + e.getMessage()
                    + ") to see whether it carries meshdbg's agent: pass --image with an agent image (meshdbg image agent --to REF)");
        }
        String launcher = labels.get(LABEL_AGENT);
        if (launcher == null) {
            throw MeshdbgException.badInput("the sidecar's image " + reference + " does not carry meshdbg's agent (no "
                    + LABEL_AGENT + " label): build one with `meshdbg image agent --to REGISTRY/meshdbg-agent:TAG`"
                    + " and pass it with --image");
        }
        return launcher;
    }
}
