package dev.meshdbg.image;

/**
 * Blobs (layers and the config) sent to the target registry.
 *
 * @param blobs blobs Jib considered pushing
 * @param skipped blobs the registry already had: nothing sent
 * @param finished blobs done, pushed or skipped
 * @param bytesSent bytes of blob content sent so far
 * @param bytesToSend total size of the blobs that are being sent (not the skipped ones)
 */
public record UploadProgress(int blobs, int skipped, int finished, long bytesSent, long bytesToSend) {
    /** Blobs actually uploaded (finished and not skipped). */
    public int uploaded() {
        return finished - skipped;
    }
}
