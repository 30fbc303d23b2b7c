package dev.meshdbg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's first command, end to end, with each debugger. */
class DemoCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"gdb", "lldb"})
    void demoStopsInTheHandlerAndLeavesTheServerServing(String debugger) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED: meshdbg demo needs root (namespaces, ptrace)");
        CliRun r = CliRun.of("demo", "--debugger", debugger, "-o", "json");

        List<JsonNode> events = r.out().lines().map(DemoCommandTest::json).toList();
        JsonNode result = events.stream().filter(e -> e.path("event").asText().equals("result")).findFirst().orElseThrow();
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(result.path("stoppedAtHandler").asBoolean()).isTrue();
        assertThat(result.path("variable").asText()).contains("\"/demo\"");
        assertThat(result.path("heldRequest").asText()).startsWith("GET /demo #");
        assertThat(result.path("serving").asBoolean()).isTrue();
        assertThat(result.path("state").asText()).isIn("S", "R");
        // The agent detached on the debugger's behalf or its own, and said so.
        assertThat(events).anyMatch(e -> e.path("agent").path("event").asText().equals("detached"));
    }

    @org.junit.jupiter.api.Test
    void refusesABadPodNameBeforeStartingAnything() {
        CliRun r = CliRun.of("demo", "--pod", "Not_A_Pod");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("meshdbg: ").doesNotContain("\n").contains("not a valid pod name");
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
