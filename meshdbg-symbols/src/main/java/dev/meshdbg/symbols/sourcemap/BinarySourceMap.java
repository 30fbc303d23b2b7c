package dev.meshdbg.symbols.sourcemap;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.bazel.BazelWorkspace;
import dev.meshdbg.symbols.bazel.ExecutionRoot;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.inspect.SymbolReport;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The source map for one binary and one checkout, with the execution root it used and how well
 * it resolves the binary's source files here.
 *
 * @param executionRoot the local execution root and how it was found; empty when none was found
 */
public record BinarySourceMap(Path binary, Path sourceRoot, Optional<ExecutionRoot> executionRoot, SourceMap map,
                              SourceCoverage coverage) {

    /**
     * @param executionRoot the execution root the user gave, or empty to discover it
     * @param pathEnv PATH for finding bazel
     * @param home the home directory whose ~/.cache/bazel is scanned
     */
    public static BinarySourceMap derive(Path binary, Path sourceRoot, Optional<Path> executionRoot, String pathEnv,
                                         Path home) {
        if (!Files.isDirectory(sourceRoot)) {
            throw MeshdbgException.badInput("source root " + sourceRoot + " is not a directory");
        }
        if (executionRoot.isPresent() && !Files.isDirectory(executionRoot.get())) {
            throw MeshdbgException.badInput("execution root " + executionRoot.get() + " is not a directory");
        }
        SymbolReport report = SymbolInspector.inspect(binary);
        SymbolReport.DebugInfo info = report.debugInfo();
        if (!info.present()) {
            throw MeshdbgException.badInput(binary + " has no debug info (" + info.absentReason() + "): there are no source paths to map");
        }
        if (!info.decoded()) {
            throw MeshdbgException.badInput(binary + ": " + info.notDecodedReason());
        }
        List<String> sources = new ArrayList<>();
        for (DwarfUnit u : info.units()) {
            String path = u.primarySourcePath();
            if (path != null) {
                sources.add(path);
            }
        }
        Path workspace = sourceRoot.toAbsolutePath().normalize();
        Optional<ExecutionRoot> exec = executionRoot
                .map(p -> new ExecutionRoot(p.toAbsolutePath().normalize(), "--execution-root"))
                .or(() -> ExecutionRoot.discover(workspace, workspaceNames(workspace, sources), pathEnv, home));
        SourceMap map = SourceMapDeriver.derive(sources, workspace, exec.map(ExecutionRoot::path));
        return new BinarySourceMap(binary, workspace, exec, map, SourceCoverage.check(sources, map));
    }

    /** Names from WORKSPACE/MODULE.bazel, then the {@code <ws>} of execroot paths in the debug info. */
    private static Set<String> workspaceNames(Path sourceRoot, List<String> sources) {
        Set<String> names = new LinkedHashSet<>(BazelWorkspace.names(sourceRoot));
        for (String s : sources) {
            SourcePrefix p = SourcePrefix.of(s);
            if (p.kind() == SourcePrefix.Kind.SANDBOX_EXECROOT || p.kind() == SourcePrefix.Kind.EXECROOT) {
                names.add(p.prefix().substring(p.prefix().lastIndexOf('/') + 1));
            }
        }
        return names;
    }
}
