package dev.meshdbg.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.demo.Registry;
import dev.meshdbg.errors.MeshdbgException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryProbeTest {
    private final RegistryProbe probe = new RegistryProbe(Duration.ofSeconds(5));

    @Test
    void plainHttpRegistryIsFoundOverHttp(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        try (Registry registry = Registry.start(tmp)) {
            RegistryProbe.Result r = probe.probe(registry.host() + "/envoy:debug");
            assertThat(r.host()).isEqualTo(registry.host());
            assertThat(r.mode()).isEqualTo(RegistryProbe.Mode.HTTP);
            assertThat(r.https().answered()).isFalse();
            assertThat(r.http().status()).isEqualTo(200);
        }
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        RegistryProbe.Result r = probe.probe("127.0.0.1:" + Registry.freePort());
        assertThat(r.mode()).isEqualTo(RegistryProbe.Mode.UNREACHABLE);
        assertThat(r.http().error()).contains("Connect");
    }

    @Test
    void registryHostAsDockerReadsIt() {
        assertThat(RegistryProbe.registryHost("192.168.122.1:5000/envoy:debug")).isEqualTo("192.168.122.1:5000");
        assertThat(RegistryProbe.registryHost("192.168.122.1:5000")).isEqualTo("192.168.122.1:5000");
        assertThat(RegistryProbe.registryHost("registry:5000")).isEqualTo("registry:5000");
        assertThat(RegistryProbe.registryHost("localhost/envoy")).isEqualTo("localhost");
        assertThat(RegistryProbe.registryHost("istio/proxyv2:1.17.2")).isEqualTo("registry-1.docker.io");
        assertThat(RegistryProbe.registryHost("envoy:debug")).isEqualTo("registry-1.docker.io");
        assertThatThrownBy(() -> RegistryProbe.registryHost("http://x:5000"))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("not an image reference");
    }

    @Test
    void containerdConfigForPlainHttp() {
        ContainerdRegistryConfig c = ContainerdRegistryConfig.forRegistry("192.168.122.1:5000", RegistryProbe.Mode.HTTP);
        assertThat(c.needed()).isTrue();
        assertThat(c.configToml()).contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"192.168.122.1:5000\"]")
                .contains("endpoint = [\"http://192.168.122.1:5000\"]");
        assertThat(c.hostsTomlPath()).isEqualTo("/etc/containerd/certs.d/192.168.122.1:5000/hosts.toml");
        assertThat(c.hostsToml()).contains("server = \"http://192.168.122.1:5000\"")
                .contains("[host.\"http://192.168.122.1:5000\"]").contains("capabilities = [\"pull\", \"resolve\"]");
        assertThat(c.configPathToml()).contains("config_path = \"/etc/containerd/certs.d\"");
        assertThat(c.checks()).anyMatch(s -> s.startsWith("crictl pull 192.168.122.1:5000/"));
        assertThat(ContainerdRegistryConfig.forRegistry("r.example", RegistryProbe.Mode.HTTPS).needed()).isFalse();
    }
}
