package dev.meshdbg.symbols.bazel;

import dev.meshdbg.symbols.BuildId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * An Envoy binary found in a bazel output tree.
 *
 * @param path where it was found (through the checkout's symlinks when possible)
 * @param realPath the file itself, symlinks resolved
 * @param config the bazel configuration directory, e.g. "k8-dbg", or "" for bazel-bin
 * @param dwp the package beside it ({@code envoy.dwp}), when there is one
 * @param error why the file could not be read as ELF, or null
 */
public record DebugBuild(Path path, Path realPath, String config, long size, Instant modified, boolean hasDebugInfo,
                         Optional<BuildId> buildId, Optional<Path> dwp, String error) {
}
