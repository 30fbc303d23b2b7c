package dev.meshdbg.kube.sidecar;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods a changed pod template will not replace by itself: every pod of an {@code OnDelete}
 * StatefulSet or DaemonSet or of a paused Deployment, and a StatefulSet's pods below its
 * {@code rollingUpdate.partition}. Those keep the old sidecar until someone rolls them.
 *
 * @param pods the pods that keep the old image (empty when they could not be listed)
 * @param all whether no pod at all is replaced, so there is no rollout to wait for
 * @param message one line: why, which pods, and how to roll them
 */
public record RolloutHold(List<String> pods, boolean all, String message) {

    /** The hold of a workload's current spec, or null when the controller replaces every pod. */
    static RolloutHold of(HasMetadata w, Workload workload) {
        String what = workload.ref().toString();
        String ns = workload.namespace();
        if (w instanceof Deployment d && Boolean.TRUE.equals(d.getSpec().getPaused())) {
            List<String> pods = workload.podNames(w);
            return new RolloutHold(pods, true, what + " is paused: no pod is replaced, " + which(pods)
                    + " keep the old sidecar until `kubectl rollout resume " + what + " -n " + ns + "`");
        }
        String strategy = w instanceof StatefulSet s && s.getSpec().getUpdateStrategy() != null
                ? s.getSpec().getUpdateStrategy().getType()
                : w instanceof DaemonSet ds && ds.getSpec().getUpdateStrategy() != null
                ? ds.getSpec().getUpdateStrategy().getType() : null;
        if ("OnDelete".equals(strategy)) {
            List<String> pods = workload.podNames(w);
            return new RolloutHold(pods, true, what + " has updateStrategy OnDelete: no pod is replaced, " + which(pods)
                    + " keep the old sidecar until deleted" + deleteThem(pods, ns));
        }
        if (w instanceof StatefulSet s) {
            int partition = partition(s);
            int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            int start = s.getSpec().getOrdinals() == null || s.getSpec().getOrdinals().getStart() == null
                    ? 0 : s.getSpec().getOrdinals().getStart();
            List<String> pods = new ArrayList<>();
            for (int ordinal = start; ordinal < start + replicas && ordinal < partition; ordinal++) {
                pods.add(s.getMetadata().getName() + "-" + ordinal);
            }
            if (!pods.isEmpty()) {
                boolean all = pods.size() == replicas;
                return new RolloutHold(pods, all, what + " has rollingUpdate.partition " + partition + ": "
                        + (all ? "no pod is replaced, " : "") + which(pods) + " keep the old sidecar; lower the partition"
                        + " (`kubectl patch " + what + " -n " + ns + " -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":"
                        + "{\"partition\":" + start + "}}}}'`) or delete them" + deleteThem(pods, ns));
            }
        }
        return null;
    }

    /** The pods a partitioned StatefulSet's rollout does replace: those at or above the partition. */
    static int partition(StatefulSet s) {
        var strategy = s.getSpec().getUpdateStrategy();
        if (strategy == null || strategy.getRollingUpdate() == null || strategy.getRollingUpdate().getPartition() == null) {
            return 0;
        }
        return strategy.getRollingUpdate().getPartition();
    }

    private static String which(List<String> pods) {
        return pods.isEmpty() ? "its pods" : "pods " + String.join(", ", pods);
    }

    private static String deleteThem(List<String> pods, String ns) {
        return pods.isEmpty() ? "" : " (`kubectl delete pod -n " + ns + " " + String.join(" ", pods) + "`)";
    }
}
