package dev.meshdbg.symbols.sourcemap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Derives the source map for a bazel-built binary. Bazel compiles in an execution root whose
 * top level mirrors the workspace, with {@code external/} (fetched repositories) and
 * {@code bazel-out/} (generated files) beside it; Envoy's build rewrites that root to
 * {@code /proc/self/cwd}, and actions that ran in a sandbox recorded their own
 * {@code .../sandbox/<strategy>/<N>/execroot/<ws>} instead. So each such root maps to the
 * workspace, while its {@code external} and {@code bazel-out} map into the local execution root.
 * Absolute system paths (/usr/include, ...) are left alone.
 */
public final class SourceMapDeriver {
    private static final List<String> EXECROOT_ONLY = List.of("external", "bazel-out");

    private SourceMapDeriver() {
    }

    /**
     * @param sourcePaths the units' primary source paths (compilation directory joined with name)
     * @param workspace the local checkout
     * @param executionRoot the local execution root, when known; without it external and
     *     bazel-out paths stay unmapped
     */
    public static SourceMap derive(Collection<String> sourcePaths, Path workspace, Optional<Path> executionRoot) {
        Set<String> roots = new LinkedHashSet<>();
        roots.add(SourcePrefix.PROC_SELF_CWD);
        for (String path : sourcePaths) {
            SourcePrefix p = SourcePrefix.of(path);
            if (p.kind() == SourcePrefix.Kind.SANDBOX_EXECROOT || p.kind() == SourcePrefix.Kind.EXECROOT) {
                roots.add(p.prefix());
            }
        }
        List<SourceMap.Entry> entries = new ArrayList<>();
        for (String root : roots) {
            entries.add(new SourceMap.Entry(root, workspace.toString()));
            executionRoot.ifPresent(exec -> {
                for (String dir : EXECROOT_ONLY) {
                    entries.add(new SourceMap.Entry(root + "/" + dir, exec.resolve(dir).toString()));
                }
            });
        }
        return SourceMap.of(entries);
    }
}
