package dev.meshdbg.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupInfoTest {
    static final String ID = "3f2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b";
    static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    @Test
    void containerdV2Default() {
        CgroupInfo info = CgroupInfo.parse("0::/default/" + ID + "\n");
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("containerd");
        assertThat(info.podUid()).isEmpty();
    }

    @Test
    void containerdWithNonHexNameInItsNamespace() {
        CgroupInfo info = CgroupInfo.parse("0::/meshdbg-test/envoy-1\n");
        assertThat(info.containerId()).contains("envoy-1");
        assertThat(info.runtime()).contains("containerd");
    }

    @Test
    void containerdNestedPath() {
        assertThat(CgroupInfo.parse("0::/some/parent/" + ID + "\n").containerId()).contains(ID);
    }

    @Test
    void criCgroupfsV1WithPodUid() {
        String text = """
                12:pids:/kubepods/burstable/pod%s/%s
                11:memory:/kubepods/burstable/pod%s/%s
                1:name=systemd:/kubepods/burstable/pod%s/%s
                0::/
                """.formatted(UID, ID, UID, ID, UID, ID);
        CgroupInfo info = CgroupInfo.parse(text);
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("cri");
        assertThat(info.podUid()).contains(UID);
    }

    @Test
    void criSystemdV2CriContainerdScope() {
        String uid = UID.replace('-', '_');
        CgroupInfo info = CgroupInfo.parse("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + uid + ".slice/cri-containerd-" + ID + ".scope\n");
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("containerd");
        assertThat(info.podUid()).contains(UID);
    }

    @Test
    void criOScopeAndItsConmonIsNotTheContainer() {
        String uid = UID.replace('-', '_');
        CgroupInfo info = CgroupInfo.parse("0::/kubepods.slice/kubepods-pod" + uid + ".slice/crio-" + ID + ".scope\n");
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("cri-o");
        assertThat(info.podUid()).contains(UID);
        CgroupInfo conmon = CgroupInfo.parse("0::/kubepods.slice/kubepods-pod" + uid + ".slice/crio-conmon-" + ID + ".scope\n");
        assertThat(conmon.containerId()).isEmpty();
        assertThat(conmon.podUid()).contains(UID);
    }

    @Test
    void dockerSystemdScope() {
        CgroupInfo info = CgroupInfo.parse("0::/system.slice/docker-" + ID + ".scope\n");
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("docker");
    }

    @Test
    void dockerCgroupfsV1() {
        String text = "13:cpu,cpuacct:/docker/" + ID + "\n1:name=systemd:/docker/" + ID + "\n";
        CgroupInfo info = CgroupInfo.parse(text);
        assertThat(info.containerId()).contains(ID);
        assertThat(info.runtime()).contains("docker");
    }

    @Test
    void hostProcessesHaveNoContainer() {
        assertThat(CgroupInfo.parse("0::/init.scope\n")).isEqualTo(CgroupInfo.NONE);
        assertThat(CgroupInfo.parse("0::/user.slice/user-1000.slice/session-3.scope\n").containerId()).isEmpty();
        assertThat(CgroupInfo.parse("0::/system.slice/containerd.service\n").containerId()).isEmpty();
        assertThat(CgroupInfo.parse("0::/\n").containerId()).isEmpty();
        assertThat(CgroupInfo.parse("").containerId()).isEmpty();
    }

    @Test
    void pathWithColonsAndV1LineBeforeUnified() {
        CgroupInfo info = CgroupInfo.parse("5:cpuset:/\n4:memory:/default/" + ID + "\n0::/\n");
        assertThat(info.containerId()).contains(ID);
        assertThat(CgroupInfo.podUid("/kubepods/podnotauid/x")).isEqualTo(Optional.empty());
    }
}
