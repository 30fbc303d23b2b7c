package dev.meshdbg.image;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code meshdbg image build} needs. Built with {@link #builder()}; the builder fills the
 * defaults: Envoy at {@value #DEFAULT_ENVOY_PATH}, both debug servers, the host's platform.
 *
 * @param envoyPath where the base image runs Envoy from; the debug Envoy replaces it there
 * @param dockerConfig the docker config.json with registry credentials; empty for Jib's default lookup
 * @param agentJar a prepared agent jar to use instead of assembling one from meshdbg's own classes
 */
public record ImageSpec(ImageSource base, ImageSource target, Path envoy, Optional<Path> dwp, String envoyPath,
                        boolean stripDebug, Set<DebugServer> debugServers, ImagePlatform platform, boolean insecure,
                        Path cacheDir, Optional<String> revision, Optional<Path> sourceRoot, String meshdbgVersion,
                        Optional<Path> agentJar, Optional<Path> dockerConfig) {
    public static final String DEFAULT_ENVOY_PATH = "/usr/local/bin/envoy";
    /** Everything meshdbg adds besides Envoy lives under here, so it never collides with the base. */
    public static final String MESHDBG_ROOT = "/opt/meshdbg";

    public ImageSpec {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(target, "target");
        if (envoy == null && !(base instanceof ImageSource.Scratch)) {
            throw new IllegalArgumentException("an image without Envoy is the agent-only image, on scratch");
        }
        debugServers = Set.copyOf(debugServers);
    }

    /** The agent-only image: the agent, its runtime and the debug servers on scratch; no Envoy. */
    public boolean agentOnly() {
        return envoy == null;
    }

    /** The default cache: {@code ~/.cache/meshdbg} (or {@code $XDG_CACHE_HOME/meshdbg}). */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("meshdbg");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fills an {@link ImageSpec} one option at a time. */
    public static final class Builder {
        private ImageSource base;
        private ImageSource target;
        private Path envoy;
        private Path dwp;
        private String envoyPath = DEFAULT_ENVOY_PATH;
        private boolean stripDebug;
        private Set<DebugServer> debugServers = EnumSet.allOf(DebugServer.class);
        private ImagePlatform platform;
        private boolean insecure;
        private Path cacheDir;
        private String revision;
        private Path sourceRoot;
        private String meshdbgVersion = "unknown";
        private Path agentJar;
        private Path dockerConfig;

        public Builder base(ImageSource base) { this.base = base; return this; }
        public Builder target(ImageSource target) { this.target = target; return this; }
        public Builder envoy(Path envoy) { this.envoy = envoy; return this; }
        public Builder dwp(Path dwp) { this.dwp = dwp; return this; }
        public Builder envoyPath(String envoyPath) { this.envoyPath = envoyPath; return this; }
        public Builder stripDebug(boolean stripDebug) { this.stripDebug = stripDebug; return this; }
        public Builder debugServers(Set<DebugServer> servers) { this.debugServers = servers; return this; }
        public Builder platform(ImagePlatform platform) { this.platform = platform; return this; }
        public Builder insecure(boolean insecure) { this.insecure = insecure; return this; }
        public Builder cacheDir(Path cacheDir) { this.cacheDir = cacheDir; return this; }
        public Builder revision(String revision) { this.revision = revision; return this; }
        public Builder sourceRoot(Path sourceRoot) { this.sourceRoot = sourceRoot; return this; }
        public Builder meshdbgVersion(String version) { this.meshdbgVersion = version; return this; }
        public Builder agentJar(Path agentJar) { this.agentJar = agentJar; return this; }
        public Builder dockerConfig(Path dockerConfig) { this.dockerConfig = dockerConfig; return this; }

        public ImageSpec build() {
            return new ImageSpec(base, target, envoy, Optional.ofNullable(dwp), envoyPath, stripDebug, debugServers,
                    platform == null ? ImagePlatform.host() : platform, insecure,
                    cacheDir == null ? defaultCacheDir() : cacheDir, Optional.ofNullable(revision),
                    Optional.ofNullable(sourceRoot), meshdbgVersion, Optional.ofNullable(agentJar),
                    Optional.ofNullable(dockerConfig));
        }
    }
}
