package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What stopping Envoy does to the pod's traffic, said plainly before attaching. */
public final class TrafficNotice {
    private TrafficNotice() {
    }

    public static List<String> lines(ResolvedTarget target, Duration maxPause) {
        List<String> lines = new ArrayList<>();
        lines.add("While Envoy is stopped (at a breakpoint, or while stepping), pod " + target.podName()
                + " stops passing traffic through its sidecar: requests to and from the app stall or fail.");
        Probe p = target.sidecar().readinessProbe();
        if (p == null) {
            lines.add("The sidecar has no readiness probe: the pod stays Ready and keeps receiving traffic it cannot serve.");
        } else {
            int period = orDefault(p.getPeriodSeconds(), 10);
            int failures = orDefault(p.getFailureThreshold(), 3);
            int timeout = orDefault(p.getTimeoutSeconds(), 1);
            lines.add("Readiness probe: " + probeTarget(p) + " every " + period + "s, timeout " + timeout + "s, "
                    + failures + " failures: after about " + (period * failures) + "s stopped the pod turns NotReady"
                    + " and Services stop sending it traffic.");
        }
        lines.add(maxPause == null
                ? "No --max-pause: Envoy stays stopped for as long as the debugger keeps it stopped."
                : "--max-pause " + maxPause.toSeconds() + "s: the guard detaches and lets Envoy run after that long stopped.");
        return lines;
    }

    private static String probeTarget(Probe p) {
        if (p.getHttpGet() != null) {
            var h = p.getHttpGet();
            return "HTTP GET " + (h.getPath() == null ? "/" : h.getPath()) + " on port "
                    + (h.getPort() == null ? "?" : h.getPort().getValue());
        }
        if (p.getTcpSocket() != null) {
            return "TCP port " + p.getTcpSocket().getPort().getValue();
        }
        if (p.getExec() != null) {
            return "exec " + String.join(" ", p.getExec().getCommand());
        }
        return "a probe";
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }
}
