package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small base image made from scratch: a static busybox as /bin/sh, and a config meshdbg must keep. */
final class TestBase {
    static final List<String> ENTRYPOINT = List.of("/bin/sh", "-c");
    static final List<String> CMD = List.of("echo base; sleep 1000");
    static final Map<String, String> ENV = Map.of("ISTIO_META_TEST", "kept", "PATH", "/bin");
    static final String USER = "1337:1337";

    private TestBase() {
    }

    static com.google.cloud.tools.jib.api.JibContainerBuilder builder() throws Exception {
        Path busybox = Path.of("/bin/busybox").toRealPath();
        return Jib.fromScratch()
                .setPlatforms(Set.of(new Platform("amd64", "linux")))
                .addFileEntriesLayer(FileEntriesLayer.builder().setName("busybox")
                        .addEntry(busybox, AbsoluteUnixPath.get("/bin/sh"), FilePermissions.fromOctalString("755"))
                        .addEntry(busybox, AbsoluteUnixPath.get("/bin/busybox"), FilePermissions.fromOctalString("755"))
                        .build())
                .setEntrypoint(ENTRYPOINT)
                .setProgramArguments(CMD)
                .setEnvironment(ENV)
                .setUser(USER);
    }

    /** Pushes the base to {@code reference} on a plain-HTTP registry. */
    static void push(String reference, Path cache) throws Exception {
        builder().containerize(Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("layers")));
    }

    /** Writes the base as a docker-save tar. */
    static void tar(Path file, Path cache) throws Exception {
        builder().containerize(Containerizer.to(TarImage.at(file).named("test/base:1"))
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("layers")));
    }
}
