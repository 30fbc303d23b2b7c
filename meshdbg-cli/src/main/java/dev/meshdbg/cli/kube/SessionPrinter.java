package dev.meshdbg.cli.kube;

import dev.meshdbg.agent.AgentEvents;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.kube.AgentEvent;
import dev.meshdbg.kube.AgentReady;
import dev.meshdbg.kube.LocalEndpoint;
import dev.meshdbg.kube.ResolvedTarget;
import dev.meshdbg.kube.SessionListener;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a cluster session: readable steps, or with {@code -o json} one event per line. Agent events
 * pass through with {@code "source":"agent"}; {@code ready} carries the local, forwarded address.
 */
final class SessionPrinter implements SessionListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    SessionPrinter(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    @Override
    public void step(String message) {
        if (json) {
            event("step", Map.of("message", message));
        } else {
            line(out, message);
        }
    }

    @Override
    public void warning(String message) {
        if (json) {
            event("warning", Map.of("message", message));
        } else {
            line(err, "warning: " + message);
        }
    }

    @Override
    public void resolved(ResolvedTarget t) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("namespace", t.namespace());
            m.put("pod", t.podName());
            m.put("node", t.nodeName());
            m.put("container", t.sidecar().name());
            m.put("nativeSidecar", t.sidecar().nativeSidecar());
            m.put("containerId", t.sidecar().containerId());
            m.put("image", t.sidecar().image());
            event("resolved", m);
        } else {
            line(out, "target: pod " + t.describe() + ", image " + t.sidecar().image()
                    + (t.sidecar().containerId() != null ? ", container id " + abbreviate(t.sidecar().containerId()) : ""));
        }
    }

    @Override
    public void trafficNotice(List<String> lines) {
        if (json) {
            event("traffic", Map.of("notice", lines));
        } else {
            lines.forEach(l -> line(out, "note: " + l));
        }
    }

    @Override
    public void agentEvent(AgentEvent e) {
        if (e.is(AgentEvents.READY)) {
            return; // reported as our own ready, with the forwarded address
        }
        if (json) {
            var copy = e.json().deepCopy();
            copy.put("source", "agent");
            OutputOption.printJsonLine(out, copy);
        } else if (e.is(AgentEvents.RESOLVED)) {
            line(out, "agent: found Envoy, host pid " + e.text("hostPid") + ", pid " + e.text("innerPid") + " in its namespace");
        } else if (e.is(AgentEvents.ERROR) || e.is(AgentEvents.TARGET_EXITED) || e.is(AgentEvents.WARNING)
                || e.is(AgentEvents.CLIENT_REFUSED)) {
            line(err, "agent: " + e.text(e.is(AgentEvents.CLIENT_REFUSED) ? "reason" : "message"));
        } else {
            line(out, "agent: " + e.name());
        }
    }

    @Override
    public void forwarding(LocalEndpoint local, AgentReady ready) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", local.host());
            m.put("port", local.port());
            m.put("debugger", ready.debugger());
            m.put("hostPid", ready.hostPid());
            m.put("innerPid", ready.innerPid());
            m.put("buildId", ready.buildId());
            m.put("remotePort", ready.port());
            event("ready", m);
            return;
        }
        line(out, "ready: the guard is forwarded to " + local.address() + " (loopback only)"
                + (ready.buildId() != null ? "; Envoy build-id " + ready.buildId() : ""));
        line(out, "Ctrl-C ends the session: the guard detaches, Envoy runs on.");
    }

    @Override
    public void forwardDropped(String why) {
        if (json) {
            event("forward-dropped", Map.of("message", why));
        } else {
            line(err, "port-forward: " + why);
        }
    }

    @Override
    public void forwardRestored(LocalEndpoint local) {
        if (json) {
            event("forward-restored", Map.of("address", local.host(), "port", local.port()));
        } else {
            line(out, "port-forward: listening again on " + local.address());
        }
    }

    @Override
    public void ended(String reason) {
        if (json) {
            event("done", Map.of("message", reason));
        } else {
            line(out, reason);
        }
    }

    private void event(String name, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        m.putAll(fields);
        OutputOption.printJsonLine(out, m);
    }

    private static void line(PrintWriter w, String s) {
        w.println(s);
        w.flush();
    }

    private static String abbreviate(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
