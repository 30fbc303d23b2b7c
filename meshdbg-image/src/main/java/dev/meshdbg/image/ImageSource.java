package dev.meshdbg.image;

import java.nio.file.Path;

/** Where an image comes from or goes to: a registry reference, or a {@code docker save} style tar file. */
public sealed interface ImageSource {
    /** An image in a registry, e.g. {@code docker.io/istio/proxyv2:1.17.2} or {@code 127.0.0.1:5000/envoy:debug}. */
    record Registry(String reference) implements ImageSource {
        @Override
        public String toString() {
            return reference;
        }
    }

    /** No base at all: the agent-only image, which brings every file it runs. */
    record Scratch() implements ImageSource {
        @Override
        public String toString() {
            return "scratch";
        }
    }

    /** A tar file; {@code reference} names the image inside it (for a target) and may be null for a base. */
    record Tar(Path file, String reference) implements ImageSource {
        @Override
        public String toString() {
            return file.toString();
        }
    }
}
