package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Turns API errors into one line a person can act on. */
public final class KubeErrors {
    private KubeErrors() {
    }

    /** Runs one API call; {@code action} says what it was doing ("get pod web-1 in default"). */
    public static <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(action, e);
        }
    }

    public static void run(String action, Runnable call) {
        call(action, () -> {
            call.run();
            return null;
        });
    }

    public static MeshdbgException translate(String action, KubernetesClientException e) {
        int code = e.getCode();
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage() : firstLine(e.getMessage());
        if (code == 403) {
            return MeshdbgException.badInput("forbidden: cannot " + action + ": " + reason);
        }
        if (code == 401) {
            return MeshdbgException.badInput("unauthorized: cannot " + action + "; log in to the cluster again");
        }
        if (code <= 0) {
            return MeshdbgException.failure("cannot reach the Kubernetes API server to " + action + ": "
                    + firstLine(rootMessage(e)), e);
        }
        return MeshdbgException.failure("cannot " + action + ": " + reason + " (HTTP " + code + ")", e);
    }

    /**
     * A validation refusal in one line: each cause's field and message ("spec.x: Invalid value: ..."),
     * or {@code fallback} (the status message) when the server sent no causes.
     */
    public static String causes(Status status, String fallback) {
        if (status == null || status.getDetails() == null || status.getDetails().getCauses() == null
                || status.getDetails().getCauses().isEmpty()) {
            return fallback;
        }
        return status.getDetails().getCauses().stream()
                .map(c -> (c.getField() == null || c.getField().isEmpty() ? "" : c.getField() + ": ")
                        + firstLine(c.getMessage()))
                .collect(Collectors.joining("; "));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : "connection failed (" + root.getClass().getSimpleName() + ")";
    }
}
