package dev.meshdbg.kube.sidecar;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.util.Objects;

/** {@code kubectl rollout status}, in short: has the controller rolled every pod to the new template? */
final class Rollout {
    private static final long POLL_MILLIS = 1000;

    private Rollout() {
    }

    static void await(Workload workload, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!complete(workload.get())) {
            if (System.nanoTime() > deadline) {
                throw MeshdbgException.failure("timed out after " + timeout.toSeconds() + "s waiting for the rollout of "
                        + workload.describe() + "; check `kubectl rollout status`", null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw MeshdbgException.failure("interrupted while waiting for the rollout", e);
            }
        }
    }

    static boolean complete(HasMetadata w) {
        long generation = w.getMetadata().getGeneration() == null ? 0 : w.getMetadata().getGeneration();
        if (w instanceof Deployment d) {
            var s = d.getStatus();
            int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            return s != null && observed(s.getObservedGeneration(), generation)
                    && n(s.getUpdatedReplicas()) == want && n(s.getReplicas()) == want && n(s.getAvailableReplicas()) == want;
        }
        if (w instanceof StatefulSet st) {
            var s = st.getStatus();
            int want = st.getSpec().getReplicas() == null ? 1 : st.getSpec().getReplicas();
            int partition = RolloutHold.partition(st);
            if (partition > 0) {
                // As kubectl: a partitioned rollout is done when the pods from the partition up are updated.
                return s != null && observed(s.getObservedGeneration(), generation)
                        && n(s.getUpdatedReplicas()) >= want - partition && n(s.getReadyReplicas()) == want;
            }
            return s != null && observed(s.getObservedGeneration(), generation)
                    && n(s.getUpdatedReplicas()) == want && n(s.getReadyReplicas()) == want
                    && (s.getUpdateRevision() == null || Objects.equals(s.getUpdateRevision(), s.getCurrentRevision()));
        }
        var s = ((DaemonSet) w).getStatus();
        return s != null && observed(s.getObservedGeneration(), generation)
                && n(s.getUpdatedNumberScheduled()) == n(s.getDesiredNumberScheduled())
                && n(s.getNumberAvailable()) == n(s.getDesiredNumberScheduled());
    }

    private static boolean observed(Long observed, long generation) {
        return observed != null && observed >= generation;
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }
}
