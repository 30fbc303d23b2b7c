package dev.meshdbg.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.Debuggers;
import dev.meshdbg.client.vscode.LaunchEntries;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * VSCode with LLVM's LLDB DAP, played by a DAP client against the real lldb-dap: the entry
 * {@code meshdbg attach --client vscode} writes to launch.json, read back and sent as VSCode sends
 * it, through meshdbg's guard to envoy-like. A breakpoint by the local source path is verified and
 * hit, frames and variables come back, and however the session ends the target keeps serving.
 */
class LldbDapSessionTest {
    @TempDir
    static Path dir;
    static EnvoyLike.Build build;
    final List<ProcessHandle> started = new ArrayList<>();

    /** How the session ends: VSCode's disconnect, its stop button on an attach, or a crashed adapter. */
    enum Ending { DETACH, TERMINATE_DEBUGGEE, ADAPTER_KILLED }

    @BeforeAll
    static void build() {
        build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);
    }

    @AfterEach
    void cleanUp() {
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void theLldbDapEntryDebugsThroughTheGuardAndTheTargetSurvives(Ending ending) throws Exception {
        Optional<Path> lldbDap = Debuggers.installed(Debugger.LLDB).flatMap(i -> i.lldbDap());
        assumeTrue(lldbDap.isPresent(), "lldb-dap is not installed beside lldb (./setup.sh installs lldb-19, which has lldb-dap-19)");
        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.start(build.binary())) {
            AttachSurvivalTest.Cli cli = AttachSurvivalTest.Cli.start(dir, "--pid", Long.toString(envoy.pid()),
                    "--debugger", "lldb", "--client", "vscode", "--symbols", build.binary().toString(),
                    "--source-root", build.workspace().toString(), "-o", "json");
            started.add(cli.process.toHandle());
            Path launchJson = Path.of(cli.await("ready").path("configs").path("vscode").asText());
            JsonNode entry = lldbDapEntry(launchJson);

            DapClient dap = DapClient.start(lldbDap.get(), dir.resolve("lldb-dap-" + ending + ".log"));
            started.add(dap.process().toHandle());
            dap.request("initialize", Map.of("clientID", "vscode", "adapterID", "lldb-dap", "pathFormat", "path",
                    "linesStartAt1", true, "columnsStartAt1", true));
            int attach = dap.send("attach", entry);
            dap.eventUnlessFailed("initialized", attach);
            String source = build.serverSource().toAbsolutePath().toString();
            int line = build.line("handler");
            JsonNode breakpoint = dap.request("setBreakpoints", Map.of("source", Map.of("path", source),
                    "breakpoints", List.of(Map.of("line", line)))).path("body").path("breakpoints").get(0);
            assertThat(breakpoint.path("verified").asBoolean()).as("breakpoint verified: %s", breakpoint).isTrue();
            assertThat(breakpoint.path("line").asInt()).isEqualTo(line);
            dap.request("configurationDone", Map.of());
            dap.response(attach);

            List<String> answers = new CopyOnWriteArrayList<>();
            Thread requests = keepRequesting(envoy, dap, answers);
            JsonNode stopped = dap.event("stopped").path("body");
            assertThat(stopped.path("reason").asText()).isEqualTo("breakpoint");
            assertThat(envoy.state()).isEqualTo("t");
            int thread = stopped.path("threadId").asInt();
            JsonNode top = dap.request("stackTrace", Map.of("threadId", thread)).path("body").path("stackFrames").get(0);
            assertThat(top.path("name").asText()).contains("envoy_like::handle_request");
            assertThat(top.path("source").path("path").asText()).isEqualTo(source);
            assertThat(top.path("line").asInt()).isEqualTo(line);
            JsonNode locals = dap.request("scopes", Map.of("frameId", top.path("id").asInt())).path("body").path("scopes").get(0);
            assertThat(locals.path("name").asText()).isEqualTo("Locals");
            JsonNode request = named(variables(dap, locals.path("variablesReference").asInt()), "request");
            assertThat(named(variables(dap, request.path("variablesReference").asInt()), "path").path("value").asText())
                    .isEqualTo("\"/x\"");

            switch (ending) {
                case DETACH -> {
                    dap.request("continue", Map.of("threadId", thread));
                    dap.request("disconnect", Map.of("terminateDebuggee", false));
                }
                case TERMINATE_DEBUGGEE -> {
                    dap.request("continue", Map.of("threadId", thread));
                    dap.request("disconnect", Map.of("terminateDebuggee", true));
                    // The guard answers the kill as an exit with status 9; the Debug Console says what really happened.
                    assertThat(dap.event("exited").path("body").path("exitCode").asInt()).isEqualTo(9);
                    assertThat(dap.output("Envoy was detached, not killed").path("body").path("output").asText())
                            .contains(LaunchEntries.DETACHED_NOT_KILLED);
                }
                case ADAPTER_KILLED -> {
                    // Killed while the target is stopped at the breakpoint: the guard must remove it and resume.
                    dap.process().destroyForcibly();
                    dap.process().waitFor();
                }
            }
            cli.await("client-disconnected");
            requests.join(TimeUnit.SECONDS.toMillis(65));
            assertThat(answers).anyMatch(a -> a.startsWith("GET /x #"));
            assertThat(envoy.state()).isNotEqualTo("t");
            // Passing the handler again does not die of a breakpoint left in memory.
            assertThat(envoy.get("/after", Duration.ofSeconds(5))).startsWith("GET /after");
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
        }
    }

    /** meshdbg's lldb-dap entry with ${workspaceFolder} expanded, as VSCode sends a configuration. */
    static JsonNode lldbDapEntry(Path launchJson) throws IOException {
        for (JsonNode c : DapClient.JSON.readTree(launchJson.toFile()).path("configurations")) {
            if (c.path("type").asText().equals("lldb-dap")) {
                return expand(c.deepCopy(), launchJson.getParent().getParent().toString());
            }
        }
        throw new AssertionError("no lldb-dap entry in " + launchJson);
    }

    private static JsonNode expand(JsonNode node, String workspace) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.asText().replace("${workspaceFolder}", workspace));
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(expand(field.getValue(), workspace));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((ArrayNode) node).set(i, expand(node.get(i), workspace));
            }
        }
        return node;
    }

    private static JsonNode variables(DapClient dap, int reference) throws Exception {
        assertThat(reference).as("a variable with children").isPositive();
        return dap.request("variables", Map.of("variablesReference", reference)).path("body").path("variables");
    }

    private static JsonNode named(JsonNode variables, String name) {
        for (JsonNode v : variables) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name + " in " + variables);
    }

    /** Requests until the target stops at the breakpoint; the one held there is answered after the session. */
    private static Thread keepRequesting(EnvoyLikeProcess envoy, DapClient dap, List<String> answers) {
        Thread t = new Thread(() -> {
            while (!dap.has(m -> m.path("event").asText().equals("stopped"))) {
                try {
                    answers.add(envoy.get("/x", Duration.ofSeconds(60)));
                } catch (IOException e) {
                    answers.add("error: " + e.getMessage());
                }
            }
        }, "requests");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
