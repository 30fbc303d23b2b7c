package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.image.registry.RegistryProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the debug proxy image with Jib, no Docker daemon: the base's layers untouched (entrypoint,
 * cmd, env and user inherited), then Envoy and the meshdbg bundle on top, pushed to a registry or
 * written to a tar. Input is checked before anything is sent, so bad input changes nothing.
 */
public final class ImageBuilder {
    /** Where the image's agent launcher is: the label that says the image carries meshdbg's agent. */
    public static final String LABEL_AGENT = AgentImages.LABEL_AGENT;
    public static final String LABEL_BUILD_ID = "dev.meshdbg.envoy.build-id";
    public static final String LABEL_STRIPPED = "dev.meshdbg.envoy.stripped";
    public static final String LABEL_ENVOY_PATH = "dev.meshdbg.envoy.path";
    public static final String LABEL_DEBUG_SERVERS = "dev.meshdbg.debug-servers";
    public static final String LABEL_VERSION = "dev.meshdbg.version";
    public static final String LABEL_REVISION = "org.opencontainers.image.revision";

    private final BuildListener listener;

    public ImageBuilder(BuildListener listener) {
        this.listener = listener;
    }

    public ImageBuild build(ImageSpec spec) {
        long start = System.nanoTime();
        ImageReference baseRef = spec.base() instanceof ImageSource.Registry r ? parse(r.reference(), "--from") : null;
        ImageReference targetRef = parse(targetName(spec), "--to");
        checkFiles(spec);
        if (!spec.agentOnly()) {
            EnvoyBinary.check(spec.envoy(), spec.platform());
        }
        spec.dwp().ifPresent(dwp -> EnvoyBinary.checkDwp(dwp, spec.platform()));
        checkHostPlatform(spec);
        if (spec.agentOnly() && Launchers.staticBusybox(spec.platform()).isEmpty()) {
            throw MeshdbgException.badInput("the agent-only image needs a static busybox on this machine for its launchers"
                    + " and kill(1) (it has no base to borrow a shell from): install busybox-static");
        }
        if (!spec.insecure()) {
            refusePlainHttp(spec);
        }
        DebugServerBundle servers = DebugServerBundle.find(spec.debugServers(), spec.platform());

        if (spec.stripDebug()) {
            listener.step("removing debug sections from " + spec.envoy().getFileName());
        }
        EnvoyBinary envoy = spec.agentOnly() ? null
                : EnvoyBinary.prepare(spec.envoy(), spec.platform(), spec.stripDebug(), spec.cacheDir());
        ImageLayers.Bundle bundle = BundlePreparer.prepare(spec, servers, listener);
        List<FileEntriesLayer> layers = ImageLayers.of(spec, envoy, bundle);
        Map<String, String> labels = labels(spec, envoy, servers);

        JibProgress progress = new JibProgress(listener);
        Containerizer containerizer = containerizer(spec, targetRef, progress);
        JibContainerBuilder builder = base(spec, baseRef)
                .setPlatforms(Set.of(new Platform(spec.platform().architecture(), "linux")))
                .setFileEntriesLayers(layers);
        labels.forEach(builder::addLabel);
        if (spec.agentOnly()) {
            builder.setEntrypoint(List.of(Launchers.AGENT)).addEnvironmentVariable("PATH", Launchers.BIN);
        }
        listener.step(spec.target() instanceof ImageSource.Registry ? "pushing to " + targetRef : "writing " + spec.target());
        JibContainer container;
        try {
            container = builder.containerize(containerizer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while building the image", e);
        } catch (Exception e) {
            throw JibFailures.translate(e, spec);
        }
        return new ImageBuild(targetRef.toString(), container.getDigest().toString(),
                spec.target() instanceof ImageSource.Registry, envoy, labels,
                layers.stream().map(FileEntriesLayer::getName).toList(), progress.snapshot(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static String targetName(ImageSpec spec) {
        if (spec.target() instanceof ImageSource.Registry r) {
            return r.reference();
        }
        String name = ((ImageSource.Tar) spec.target()).reference();
        return name != null ? name : spec.agentOnly() ? "meshdbg/agent:latest" : "meshdbg/envoy-debug:latest";
    }

    private static ImageReference parse(String reference, String option) {
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            throw MeshdbgException.badInput(option + " '" + reference + "' is not an image reference (like registry:5000/name:tag)");
        }
    }

    private static void checkFiles(ImageSpec spec) {
        if (spec.base() instanceof ImageSource.Tar t && !Files.isRegularFile(t.file())) {
            throw MeshdbgException.badInput("--from-tar " + t.file() + ": no such file");
        }
        if (spec.target() instanceof ImageSource.Tar t) {
            Path dir = t.file().toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw MeshdbgException.badInput("--tar " + t.file() + ": the directory does not exist");
            }
        }
        if (!spec.envoyPath().startsWith("/")) {
            throw MeshdbgException.badInput("--envoy-path must be absolute, not '" + spec.envoyPath() + "'");
        }
    }

    private static void checkHostPlatform(ImageSpec spec) {
        ImagePlatform host = ImagePlatform.host();
        if (spec.platform() != host) {
            throw MeshdbgException.badInput("the debug servers and the agent's Java runtime come from this " + host.label()
                    + " machine, so a " + spec.platform().label() + " image must be built on a " + spec.platform().label() + " machine");
        }
    }

    /**
     * Without --insecure Jib would retry HTTPS against a plain-HTTP registry for a minute before
     * giving up; one probe says so at once. Anything else (no answer at all) is left to Jib.
     */
    private static void refusePlainHttp(ImageSpec spec) {
        RegistryProbe probe = new RegistryProbe(Duration.ofSeconds(5));
        for (ImageSource source : List.of(spec.base(), spec.target())) {
            if (source instanceof ImageSource.Registry r
                    && probe.probe(r.reference()).mode() == RegistryProbe.Mode.HTTP) {
                throw MeshdbgException.badInput("the registry of " + r.reference()
                        + " speaks plain HTTP only: add --insecure (and see 'meshdbg doctor registry')");
            }
        }
    }

    private static Map<String, String> labels(ImageSpec spec, EnvoyBinary envoy, DebugServerBundle servers) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_AGENT, Launchers.AGENT);
        if (envoy != null) {
            labels.put(LABEL_BUILD_ID, envoy.buildId().hex());
            labels.put(LABEL_STRIPPED, Boolean.toString(envoy.stripped()));
            labels.put(LABEL_ENVOY_PATH, spec.envoyPath());
        }
        labels.put(LABEL_DEBUG_SERVERS, String.join(",", servers.binaries().keySet().stream().map(DebugServer::imageName).toList()));
        labels.put(LABEL_VERSION, spec.meshdbgVersion());
        SourceRevision.find(spec).ifPresent(rev -> labels.put(LABEL_REVISION, rev));
        return labels;
    }

    private JibContainerBuilder base(ImageSpec spec, ImageReference baseRef) {
        if (spec.base() instanceof ImageSource.Scratch) {
            return Jib.fromScratch();
        }
        if (spec.base() instanceof ImageSource.Tar t) {
            return Jib.from(TarImage.at(t.file()));
        }
        return Jib.from(Credentials.attach(RegistryImage.named(baseRef), baseRef, spec, listener));
    }

    private Containerizer containerizer(ImageSpec spec, ImageReference targetRef, JibProgress progress) {
        Containerizer c;
        if (spec.target() instanceof ImageSource.Tar t) {
            c = Containerizer.to(TarImage.at(t.file().toAbsolutePath()).named(targetRef));
        } else {
            c = Containerizer.to(Credentials.attach(RegistryImage.named(targetRef), targetRef, spec, listener));
        }
        if (spec.insecure()) {
            // Jib withholds credentials from plain-HTTP registries unless told otherwise.
            if (System.getProperty("sendCredentialsOverHttp") == null) {
                System.setProperty("sendCredentialsOverHttp", "true");
            }
        }
        return c.setAllowInsecureRegistries(spec.insecure())
                .setBaseImageLayersCache(spec.cacheDir().resolve("jib/base"))
                .setApplicationLayersCache(spec.cacheDir().resolve("jib/layers"))
                .setToolName("meshdbg")
                .setToolVersion(spec.meshdbgVersion())
                .addEventHandler(JibEvent.class, progress::onEvent);
    }
}
