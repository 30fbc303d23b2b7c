package dev.meshdbg.kube;

import dev.meshdbg.agent.AgentEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import org.junit.jupiter.api.Test;

class ParsingTest {
    @Test
    void targets() {
        assertThat(TargetRef.parse("web-1")).isEqualTo(new TargetRef(TargetRef.Kind.POD, "web-1"));
        assertThat(TargetRef.parse("pod/web-1").kind()).isEqualTo(TargetRef.Kind.POD);
        assertThat(TargetRef.parse("deploy/web").kind()).isEqualTo(TargetRef.Kind.DEPLOYMENT);
        assertThat(TargetRef.parse("deployment.apps/web").kind()).isEqualTo(TargetRef.Kind.DEPLOYMENT);
        assertThat(TargetRef.parse("sts/db").kind()).isEqualTo(TargetRef.Kind.STATEFULSET);
        assertThat(TargetRef.parse("ds/node-agent").kind()).isEqualTo(TargetRef.Kind.DAEMONSET);
        assertThat(TargetRef.parse("DS/x").toString()).isEqualTo("daemonset/x");
        assertThatThrownBy(() -> TargetRef.parse("svc/web")).isInstanceOf(MeshdbgException.class)
                .hasMessage("unknown target type 'svc' in 'svc/web': use pod/, deploy/, sts/ or ds/");
        assertThatThrownBy(() -> TargetRef.parse("Web_1")).hasMessage("'Web_1' is not a valid Kubernetes object name");
        assertThatThrownBy(() -> TargetRef.parseWorkload("pod/web-1"))
                .hasMessage("'pod/web-1' is not a workload: use deploy/NAME, sts/NAME or ds/NAME");
    }

    @Test
    void symbolsBecomeTheAgentsBuildIdCheck(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path runtime = java.nio.file.Path.of(ProcessHandle.current().info().command().orElseThrow());
        var buildId = dev.meshdbg.symbols.elf.ElfFile.open(runtime).buildId();
        AgentCommand agent = AgentCommand.defaults().withSymbols(runtime, false);
        // The code hash always goes along: a stock Envoy is another link of the same code, with another build-id.
        assertThat(agent.argsForProcessName()).contains("--symbols-code-hash").doesNotContain("--ignore-build-id-mismatch");
        buildId.ifPresent(id -> assertThat(agent.argsForProcessName()).containsSubsequence("--symbols-build-id", id.hex()));
        assertThat(AgentCommand.defaults().withSymbols(runtime, true).argsForContainer("abc"))
                .contains("--ignore-build-id-mismatch").endsWith("--container", "abc");
        java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("envoy"), "not an ELF file");
        assertThatThrownBy(() -> AgentCommand.defaults().withSymbols(text, false)).isInstanceOf(MeshdbgException.class);
    }

    @Test
    void agentEvents() {
        var ready = AgentEvent.parse("{\"event\":\"ready\",\"address\":\"127.0.0.1\",\"port\":40123,\"debugger\":\"lldb\","
                + "\"hostPid\":900,\"innerPid\":17,\"buildId\":\"0badc0de\",\"sessionKey\":\"" + FakeAgent.KEY.hex() + "\"}").orElseThrow();
        assertThat(ready.is(AgentEvents.READY)).isTrue();
        assertThat(AgentReady.of(ready)).isEqualTo(new AgentReady("127.0.0.1", 40123, "lldb", 900, 17, "0badc0de", FakeAgent.KEY));
        var oldAgent = AgentEvent.parse("{\"event\":\"ready\",\"port\":40123}").orElseThrow();
        assertThatThrownBy(() -> AgentReady.of(oldAgent)).hasMessageContaining("without a session key");
        assertThat(AgentEvent.parse("WARNING: an illegal reflective access")).isEmpty();
        assertThat(AgentEvent.parse("{\"not\":\"an event\"}")).isEmpty();
        assertThat(AgentEvent.parse("{broken")).isEmpty();
        var noPort = AgentEvent.parse("{\"event\":\"ready\"}").orElseThrow();
        assertThatThrownBy(() -> AgentReady.of(noPort)).hasMessageStartingWith("the agent reported ready without a valid port");
    }
}
