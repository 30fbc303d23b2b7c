package dev.meshdbg.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshdbg.cli.OutputOption;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The demo's output: readable steps, the debugger's transcript indented, or one JSON event per line. */
final class DemoReport {
    private final PrintWriter out;
    private final boolean json;

    DemoReport(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    synchronized void step(String name, String text, Map<String, ?> fields) {
        if (json) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", name);
            event.putAll(fields);
            OutputOption.printJsonLine(out, event);
        } else {
            out.println("==> " + text);
            out.flush();
        }
    }

    synchronized void agentEvent(JsonNode event) {
        if (json) {
            OutputOption.printJsonLine(out, Map.of("event", "agent", "agent", event));
            return;
        }
        String kind = event.path("event").asText();
        switch (kind) {
            case "resolved" -> out.println("==> agent found pod " + event.path("hostname").asText() + "'s envoy-like: host pid "
                    + event.path("hostPid").asText() + ", pid " + event.path("innerPid").asText() + " in its own namespace");
            case "verified" -> out.println("==> " + event.path("method").asText() + " " + event.path("running").asText()
                    + (event.path("match").asBoolean() ? " matches the local binary" : " does not match the local binary"));
            case "ready" -> out.println("==> guard listening on " + event.path("address").asText() + ":" + event.path("port").asText()
                    + " (" + event.path("debugger").asText() + " server starts when the debugger connects)");
            case "detached" -> out.println("==> guard detached (" + event.path("reason").asText("") + "), breakpoints removed: "
                    + event.path("breakpointsRemoved").asText("0"));
            case "error", "warning" -> out.println("==> agent " + kind + ": " + event.path("message").asText());
            default -> {
                return;
            }
        }
        out.flush();
    }

    synchronized void debuggerLine(String line) {
        if (json) {
            OutputOption.printJsonLine(out, Map.of("event", "debugger", "line", line));
        } else {
            out.println("    | " + line);
            out.flush();
        }
    }
}
