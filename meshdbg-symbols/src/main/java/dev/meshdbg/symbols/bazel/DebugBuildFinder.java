package dev.meshdbg.symbols.bazel;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds Envoy build outputs of an istio/proxy or envoy checkout: under {@code bazel-bin}, under
 * every configuration of {@code bazel-out} (k8-dbg, k8-fastbuild, ...), and in the execution roots
 * of the output bases in {@code ~/.cache/bazel} (where the seed procedure found it). Newest first.
 */
public final class DebugBuildFinder {
    /** Where the Envoy targets of istio/proxy and envoy put their binary, relative to a bin directory. */
    static final List<String> TARGETS = List.of("envoy", "src/envoy/envoy", "source/exe/envoy-static",
            "source/exe/envoy", "contrib/exe/envoy-static");

    private DebugBuildFinder() {
    }

    public static List<DebugBuild> find(Path sourceRoot, Path home) {
        if (!Files.isDirectory(sourceRoot)) {
            throw MeshdbgException.badInput("source root " + sourceRoot + " is not a directory");
        }
        Map<Path, String[]> candidates = new LinkedHashMap<>(); // candidate path -> {config}
        addBin(candidates, sourceRoot.resolve("bazel-bin"), "");
        addConfigs(candidates, sourceRoot.resolve("bazel-out"));
        for (Path link : ExecutionRoot.list(sourceRoot, "bazel-*")) {
            addConfigs(candidates, link.resolve("bazel-out"));
        }
        for (Path execRoot : ExecutionRoot.outputBaseExecRoots(home)) {
            addConfigs(candidates, execRoot.resolve("bazel-out"));
        }
        Map<Path, DebugBuild> byRealPath = new LinkedHashMap<>();
        candidates.forEach((path, config) -> {
            Optional<Path> real = ExecutionRoot.real(path);
            if (real.isPresent() && Files.isRegularFile(real.get()) && !byRealPath.containsKey(real.get())) {
                byRealPath.put(real.get(), describe(path, real.get(), config[0]));
            }
        });
        List<DebugBuild> builds = new ArrayList<>(byRealPath.values());
        builds.sort(Comparator.comparing(DebugBuild::modified).reversed().thenComparing(b -> b.path().toString()));
        return builds;
    }

    private static void addConfigs(Map<Path, String[]> into, Path bazelOut) {
        for (Path config : ExecutionRoot.list(bazelOut, "*")) {
            addBin(into, config.resolve("bin"), config.getFileName().toString());
        }
    }

    private static void addBin(Map<Path, String[]> into, Path bin, String config) {
        if (!Files.isDirectory(bin)) {
            return;
        }
        for (String target : TARGETS) {
            into.putIfAbsent(bin.resolve(target), new String[] {config});
        }
    }

    private static DebugBuild describe(Path path, Path real, String config) {
        long size = 0;
        Instant modified = Instant.EPOCH;
        try {
            size = Files.size(real);
            modified = Files.getLastModifiedTime(real).toInstant();
        } catch (IOException e) {
            // Reported through the ELF check below, which fails the same way.
        }
        Path dwpBeside = path.resolveSibling(path.getFileName() + ".dwp");
        Optional<Path> dwp = Files.isRegularFile(dwpBeside) ? Optional.of(dwpBeside) : Optional.empty();
        try (ElfFile elf = ElfFile.open(real)) {
            Optional<BuildId> id = elf.buildId();
            return new DebugBuild(path, real, config, size, modified, elf.hasDebugInfo(), id, dwp, null);
        } catch (MeshdbgException e) {
            return new DebugBuild(path, real, config, size, modified, false, Optional.empty(), dwp, e.getMessage());
        }
    }
}
