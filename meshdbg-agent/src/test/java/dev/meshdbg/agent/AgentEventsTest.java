package dev.meshdbg.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentEventsTest {
    @Test
    void oneEscapedObjectPerLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgentEvents events = new AgentEvents(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        events.error(MeshdbgException.badInput("2 processes match --pod \"a\\b\":\n  pid 1\ttab"));
        events.emit(AgentEvents.DONE, Json.object().put("reason", "signal").put("n", 3L).put("none", Optional.empty())
                .put("list", List.of("x", 1)).put("ok", true));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{\"event\":\"error\",\"time\":\"")
                .endsWith(",\"kind\":\"BAD_INPUT\",\"message\":\"2 processes match --pod \\\"a\\\\b\\\":\\n  pid 1\\ttab\"}");
        assertThat(lines[1]).endsWith(",\"reason\":\"signal\",\"n\":3,\"none\":null,\"list\":[\"x\",1],\"ok\":true}");
    }

    @Test
    void optionsParseDurationsAndRefuseBadInput() {
        AgentOptions o = AgentOptions.parse(List.of("--pod", "p", "--debugger", "lldb", "--max-pause", "10m", "--idle-timeout", "500ms"));
        assertThat(o.maxPause()).contains(Duration.ofMinutes(10));
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.debugger().cliName()).isEqualTo("lldb");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid"))).hasMessage("--pid needs a value");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid", "x"))).hasMessageContaining("takes a number");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid", "1", "--debugger", "dbx"))).hasMessageContaining("gdb or lldb");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid", "1", "--port", "70000"))).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid", "1", "--max-pause", "soon"))).hasMessageContaining("duration");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--debugger", "gdb"))).hasMessageContaining("say which process");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--pid", "1", "--symbols-build-id", "xyz"))).hasMessageContaining("not a build-id");
    }
}
