package dev.meshdbg.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Gathers what goes under /opt/meshdbg: agent jar, jlinked runtime, debug servers, their libraries, launchers. */
final class BundlePreparer {
    private BundlePreparer() {
    }

    static ImageLayers.Bundle prepare(ImageSpec spec, DebugServerBundle servers, BuildListener listener) {
        Path cache = spec.cacheDir();
        Path agentJar = spec.agentJar().orElseGet(() -> {
            listener.step("assembling the agent jar");
            return AgentJar.assemble(cache.resolve("agent/meshdbg-agent.jar"), BundlePreparer.class.getClassLoader());
        });
        List<String> modules = JavaRuntime.modulesOf(agentJar);
        listener.step("linking the agent's Java runtime (" + String.join(",", modules) + ")");
        Path runtime = JavaRuntime.linked(modules, cache);

        listener.step("collecting the debug servers' and runtime's libraries");
        List<Path> elves = new ArrayList<>(servers.binaries().values());
        elves.addAll(JavaRuntime.elfFiles(runtime));
        SharedLibraries libraries = SharedLibraries.of(elves, JavaRuntime.ownLibraries(runtime));

        Optional<Path> shell = Launchers.staticBusybox(spec.platform());
        Launchers launchers = new Launchers(spec.platform(), shell.isPresent());
        Map<String, Path> scripts = new TreeMap<>();
        Path scriptDir = cache.resolve("launchers").resolve(spec.platform().architecture() + (shell.isPresent() ? "-sh" : ""));
        scripts.put("meshdbg-agent", Launchers.writeIfChanged(scriptDir.resolve("meshdbg-agent"), launchers.agent()));
        if (shell.isPresent()) {
            scripts.put("kill", Launchers.writeIfChanged(scriptDir.resolve("kill"), launchers.kill()));
        }
        for (DebugServer server : Set.copyOf(servers.binaries().keySet())) {
            scripts.put(server.imageName(), Launchers.writeIfChanged(scriptDir.resolve(server.imageName()),
                    launchers.debugServer(server)));
        }
        return new ImageLayers.Bundle(runtime, agentJar, servers, libraries, shell, scripts);
    }
}
