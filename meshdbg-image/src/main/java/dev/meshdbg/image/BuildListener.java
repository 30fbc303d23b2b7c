package dev.meshdbg.image;

/** What an image build reports while it runs; the CLI draws it, tests count it. Called from several threads. */
public interface BuildListener {
    BuildListener NONE = new BuildListener() {
    };

    /** A step begins: "stripping debug info", "linking the agent runtime", "pushing to ...". */
    default void step(String description) {
    }

    /** The upload so far (a fresh snapshot after every change Jib reports). */
    default void upload(UploadProgress progress) {
    }

    /** A message from the registry client that a person may want to see (warnings). */
    default void warning(String message) {
    }
}
