package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The layers meshdbg puts on the base, one per concern so that a change to one (a new Envoy)
 * leaves the others' digests, and uploads, alone. Every source file keeps its path and time
 * between builds (cache dirs, host libraries), which is what Jib's layer cache keys on.
 */
final class ImageLayers {
    static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
    static final FilePermissions READABLE = FilePermissions.fromOctalString("644");

    /** The parts that go under /opt/meshdbg. */
    record Bundle(Path runtime, Path agentJar, DebugServerBundle servers, SharedLibraries libraries,
                  Optional<Path> shell, Map<String, Path> scripts) {
    }

    private ImageLayers() {
    }

    static List<FileEntriesLayer> of(ImageSpec spec, EnvoyBinary envoy, Bundle bundle) {
        List<FileEntriesLayer> layers = new ArrayList<>();
        if (envoy != null) {
            layers.add(FileEntriesLayer.builder().setName("envoy")
                    .addEntry(envoy.file(), AbsoluteUnixPath.get(spec.envoyPath()), EXECUTABLE).build());
        }
        spec.dwp().ifPresent(dwp -> layers.add(FileEntriesLayer.builder().setName("envoy-dwp")
                .addEntry(dwp, AbsoluteUnixPath.get(spec.envoyPath() + ".dwp"), READABLE).build()));

        FileEntriesLayer.Builder libs = FileEntriesLayer.builder().setName("meshdbg-libraries");
        libs.addEntry(bundle.libraries().loader(), path(Launchers.LIB, spec.platform().loaderName()), EXECUTABLE);
        bundle.libraries().libraries().forEach((name, file) -> libs.addEntry(file, path(Launchers.LIB, name), EXECUTABLE));
        layers.add(libs.build());

        layers.add(runtimeLayer(bundle.runtime()));

        FileEntriesLayer.Builder servers = FileEntriesLayer.builder().setName("meshdbg-debug-servers");
        bundle.servers().binaries().forEach((server, file) ->
                servers.addEntry(file, path(Launchers.LIBEXEC, server.imageName()), EXECUTABLE));
        layers.add(servers.build());

        FileEntriesLayer.Builder agent = FileEntriesLayer.builder().setName("meshdbg-agent")
                .addEntry(bundle.agentJar(), AbsoluteUnixPath.get(Launchers.AGENT_JAR), READABLE);
        bundle.shell().ifPresent(sh -> agent.addEntry(sh, AbsoluteUnixPath.get(Launchers.SHELL), EXECUTABLE));
        bundle.scripts().forEach((name, file) -> agent.addEntry(file, path(Launchers.BIN, name), EXECUTABLE));
        layers.add(agent.build());
        return layers;
    }

    private static FileEntriesLayer runtimeLayer(Path runtime) {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("meshdbg-java");
        try (Stream<Path> files = Files.walk(runtime)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String rel = runtime.relativize(f).toString();
                layer.addEntry(f, path(Launchers.JAVA, rel), Files.isExecutable(f) ? EXECUTABLE : READABLE);
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read the agent runtime " + runtime + ": " + e.getMessage(), e);
        }
        return layer.build();
    }

    private static AbsoluteUnixPath path(String dir, String name) {
        return AbsoluteUnixPath.get(dir + "/" + name);
    }
}
