package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Turns the agent's events into the readable steps {@code attach} prints by default. */
final class AttachReport {
    private final PrintWriter out;
    private final String symbols;

    AttachReport(PrintWriter out, String symbols) {
        this.out = out;
        this.symbols = symbols;
    }

    void print(JsonNode e) {
        switch (e.path("event").asText()) {
            case "resolved" -> line("Target: pid " + e.path("hostPid").asLong()
                    + (e.path("innerPid").asLong() != e.path("hostPid").asLong() ? " (" + e.path("innerPid").asLong() + " in its namespaces)" : "")
                    + " " + e.path("exe").asText()
                    + opt(e, "hostname", ", hostname ") + opt(e, "containerId", ", container ") + opt(e, "podUid", ", pod uid "));
            case "verified" -> line(verified(e));
            case "ready" -> ready(e);
            case "client-connected" -> line("Client connected from " + e.path("peer").asText());
            case "attached" -> line("Debug server attached; the target is stopped while the client holds it");
            case "client-refused" -> line("Refused a client: " + e.path("reason").asText());
            case "client-disconnected" -> line("Client left (" + e.path("reason").asText() + ")");
            case "detached" -> line("Detached (" + e.path("reason").asText() + "), removed " + e.path("breakpointsRemoved").asInt()
                    + " breakpoint(s); the target runs");
            case "warning" -> line("Warning: " + e.path("message").asText());
            case "target-exited" -> line(e.path("message").asText());
            case "done" -> line("Done: " + e.path("reason").asText() + "; the target keeps running");
            default -> { }
        }
    }

    private String verified(JsonNode e) {
        String method = e.path("method").asText();
        if (method.equals("none")) {
            return "Symbols: not checked (no --symbols); running build-id " + e.path("running").asText("(none)");
        }
        if (e.path("ignored").asBoolean()) {
            return "Symbols: " + method + " MISMATCH ignored: running " + e.path("running").asText() + ", symbols " + e.path("symbols").asText();
        }
        return "Symbols: " + method + " " + e.path("running").asText() + " matches " + symbols;
    }

    private void ready(JsonNode e) {
        String address = e.path("address").asText() + ":" + e.path("port").asInt();
        line("Guard listening on " + address + " (" + e.path("server").asText()
                + " attaches when a client connects, and detaches when it leaves)");
        JsonNode configs = e.path("configs");
        if (configs.size() == 0) { // no config files: say how to connect by hand
            String file = symbols.isEmpty() ? "/proc/" + e.path("hostPid").asLong() + "/exe" : symbols;
            if (e.path("debugger").asText().equals("lldb")) {
                line("  connect: lldb-19 " + file + " -o 'gdb-remote " + address + "'");
            } else {
                line("  connect: gdb " + file + " -ex 'target remote " + address + "'");
            }
        }
        if (e.has("configError")) {
            line("  (no client configs: " + e.path("configError").asText() + ")");
        }
        line("Ctrl-C detaches and leaves the target running.");
    }

    private static String opt(JsonNode e, String field, String label) {
        JsonNode v = e.path(field);
        return v.isMissingNode() || v.isNull() ? "" : label + v.asText();
    }

    private void line(String s) {
        out.println(s);
        out.flush();
    }
}
