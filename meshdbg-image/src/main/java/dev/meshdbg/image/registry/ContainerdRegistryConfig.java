package dev.meshdbg.image.registry;

import java.util.List;

/**
 * The containerd configuration a node needs to pull from a registry, in both forms: the
 * {@code registry.mirrors} table of containerd 1.x's config.toml (needs a restart), and the
 * {@code hosts.toml} file of containerd 1.7 and 2.x (read at every pull), plus commands that tell
 * whether a node already has it. Empty for a registry with a trusted HTTPS certificate.
 */
public record ContainerdRegistryConfig(String host, boolean needed, String configToml, String hostsTomlPath,
                                       String hostsToml, String configPathToml, List<String> checks) {

    public static ContainerdRegistryConfig forRegistry(String host, RegistryProbe.Mode mode) {
        if (mode == RegistryProbe.Mode.HTTPS) {
            return new ContainerdRegistryConfig(host, false, "", "", "", "",
                    List.of("crictl pull " + host + "/REPOSITORY:TAG   # on the node; works without configuration"));
        }
        boolean http = mode != RegistryProbe.Mode.HTTPS_UNTRUSTED;
        String endpoint = (http ? "http://" : "https://") + host;
        String configToml = String.join("\n",
                "# /etc/containerd/config.toml (containerd 1.x, config version 2); then: systemctl restart containerd",
                "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"" + host + "\"]",
                "  endpoint = [\"" + endpoint + "\"]",
                "[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"" + host + "\".tls]",
                "  insecure_skip_verify = true",
                "");
        String hostsPath = "/etc/containerd/certs.d/" + host + "/hosts.toml";
        String hostsToml = String.join("\n",
                "# " + hostsPath + " (containerd 1.7 and 2.x; read at each pull, no restart)",
                "server = \"" + endpoint + "\"",
                "",
                "[host.\"" + endpoint + "\"]",
                "  capabilities = [\"pull\", \"resolve\"]",
                "  skip_verify = true",
                "");
        String configPath = String.join("\n",
                "# hosts.toml is only read when config.toml points at its directory (restart once after adding):",
                "#   containerd 1.7: [plugins.\"io.containerd.grpc.v1.cri\".registry]",
                "#   containerd 2.x: [plugins.\"io.containerd.cri.v1.images\".registry]",
                "  config_path = \"/etc/containerd/certs.d\"",
                "");
        List<String> checks = List.of(
                "containerd config dump | grep -E 'config_path|mirrors.\"" + host + "\"'   # which form the node uses",
                "cat " + hostsPath + "   # present with server = \"" + endpoint + "\"?",
                "crictl pull " + host + "/REPOSITORY:TAG   # the real test: pulls through the kubelet's containerd config");
        return new ContainerdRegistryConfig(host, true, configToml, hostsPath, hostsToml, configPath, checks);
    }
}
