package dev.meshdbg.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetQueryTest {
    static final String C1 = "aaaaaaaaaaaa1111" + "0".repeat(48);
    static final String C2 = "aaaaaaaaaaaa2222" + "0".repeat(48);
    static final String C3 = "bbbbbbbbbbbb3333" + "0".repeat(48);

    @TempDir
    Path dir;
    FakeProc proc;

    @BeforeEach
    void tree() throws Exception {
        proc = new FakeProc(dir, 100);
        proc.host(200, "/usr/sbin/sshd")
                .host(300, "/opt/envoy/bin/envoy", "envoy", "-c", "host.yaml")
                // pod "ratings-v1-abc": pause, pilot-agent and envoy share the pod's UTS namespace
                .inPod(1000, 1, "/pause", "ratings-v1-abc", C1, 5000)
                .inPod(1001, 7, "/usr/local/bin/pilot-agent", "ratings-v1-abc", C2, 5000)
                .inPod(1002, 19, "/usr/local/bin/envoy", "ratings-v1-abc", C2, 5000)
                // pod "reviews-v2-def": one envoy
                .inPod(2002, 19, "/usr/local/bin/envoy", "reviews-v2-def", C3, 6000);
    }

    Target resolve(Long pid, String name, String pod, String container) {
        return TargetQuery.of(pid, name, pod, container).resolve(proc.scanner(), proc.hostnameReader());
    }

    @Test
    void byPidReportsNamespacesInnerPidContainerAndPod() {
        Target t = resolve(1002L, null, null, null);
        assertThat(t.hostPid()).isEqualTo(1002);
        assertThat(t.innerPid()).isEqualTo(19);
        assertThat(t.exe()).isEqualTo("/usr/local/bin/envoy");
        assertThat(t.comm()).isEqualTo("envoy");
        assertThat(t.cmdline()).containsExactly("/usr/local/bin/envoy", "-c", "envoy.yaml");
        assertThat(t.containerId()).contains(C2);
        assertThat(t.podUid()).contains("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assertThat(t.hostname()).contains("ratings-v1-abc");
        assertThat(t.namespaces()).isEqualTo(new Target.Namespaces(5000, 5001, 5002));
        assertThat(t.isolatedFrom(proc.scanner().ours())).isTrue();
    }

    @Test
    void unknownPidIsBadInput() {
        assertThatThrownBy(() -> resolve(4711L, null, null, null))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("no process with pid 4711")
                .extracting(e -> ((MeshdbgException) e).kind()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
    }

    @Test
    void pidThatContradictsAnotherCriterion() {
        assertThatThrownBy(() -> resolve(300L, null, "ratings-v1-abc", null))
                .hasMessageContaining("pid 300 does not match");
    }

    @Test
    void byPodNarrowsToEnvoyAmongThePodsProcesses() {
        assertThat(resolve(null, null, "ratings-v1-abc", null).hostPid()).isEqualTo(1002);
        assertThat(resolve(null, "pilot-agent", "ratings-v1-abc", null).hostPid()).isEqualTo(1001);
    }

    @Test
    void byNameIsAmbiguousAcrossPodsAndListsThem() {
        assertThatThrownBy(() -> resolve(null, "envoy", null, null))
                .hasMessageContaining("3 processes match --name envoy")
                .hasMessageContaining("pid 300").hasMessageContaining("pid 1002 (19 inside)  hostname ratings-v1-abc  container aaaaaaaaaaaa")
                .hasMessageContaining("pid 2002");
    }

    @Test
    void byContainerPrefixAndFullId() {
        assertThat(resolve(null, null, null, "bbbbbbbbbbbb").hostPid()).isEqualTo(2002);
        assertThat(resolve(null, null, null, C2).hostPid()).isEqualTo(1002);
        assertThat(resolve(null, null, null, C2.toUpperCase()).hostPid()).isEqualTo(1002);
    }

    @Test
    void containerPrefixErrors() {
        assertThatThrownBy(() -> resolve(null, null, null, "aaaaaaaaaaaa"))
                .hasMessageContaining("ambiguous").hasMessageContaining(C1).hasMessageContaining(C2);
        assertThatThrownBy(() -> resolve(null, null, null, "bbbbbb"))
                .hasMessageContaining("no process matches --container bbbbbb (a prefix needs at least 12 characters)");
        assertThatThrownBy(() -> resolve(null, null, null, "cccccccccccccccc"))
                .hasMessageContaining("no process matches --container cccccccccccccccc");
    }

    @Test
    void unknownPodAndEmptyQuery() {
        assertThatThrownBy(() -> resolve(null, null, "nope", null)).hasMessageContaining("no process matches --pod nope");
        assertThatThrownBy(() -> resolve(null, null, null, null)).hasMessageContaining("say which process");
        assertThatThrownBy(() -> resolve(-3L, null, null, null)).hasMessageContaining("positive");
    }

    @Test
    void ambiguousPodWithoutEnvoyListsEveryCandidate() throws Exception {
        proc.inPod(3000, 1, "/usr/bin/sleep", "two-sleepers", "c".repeat(64), 7000)
                .inPod(3001, 2, "/usr/bin/sleep", "two-sleepers", "c".repeat(64), 7000);
        assertThatThrownBy(() -> resolve(null, null, "two-sleepers", null))
                .hasMessageContaining("2 processes match --pod two-sleepers")
                .hasMessageContaining("pid 3000").hasMessageContaining("pid 3001");
    }

    @Test
    void theScanSkipsOurselves() {
        assertThat(proc.scanner().all()).extracting(Target::hostPid).doesNotContain(100L);
        assertThatThrownBy(() -> resolve(null, "java", null, null)).hasMessageContaining("no process matches --name java");
    }
}
