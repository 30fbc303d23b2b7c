package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * The sidecar container of a pod: a regular container, or a native sidecar (an init container
 * with {@code restartPolicy: Always}).
 *
 * @param containerId the runtime's id without its scheme ({@code containerd://}), or null before it started
 */
public record Sidecar(String name, String image, boolean nativeSidecar, String containerId,
                      String runtime, boolean running, Probe readinessProbe) {

    static Sidecar of(Container spec, boolean nativeSidecar, ContainerStatus status) {
        String id = null;
        String runtime = null;
        if (status != null && status.getContainerID() != null) {
            String raw = status.getContainerID();
            int sep = raw.indexOf("://");
            runtime = sep < 0 ? null : raw.substring(0, sep);
            id = sep < 0 ? raw : raw.substring(sep + 3);
        }
        boolean running = status != null && status.getState() != null && status.getState().getRunning() != null;
        return new Sidecar(spec.getName(), spec.getImage(), nativeSidecar, id, runtime, running,
                spec.getReadinessProbe());
    }
}
