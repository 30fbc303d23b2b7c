package dev.meshdbg.symbols.fetch;

import java.util.List;
import java.util.Optional;

/**
 * Where a running Envoy's proxy SHA can be found: a local process, a pod. Each place looked at is
 * added to {@code tried}, so a failure can name them.
 */
public interface ShaLookup {
    Optional<FoundSha> find(List<String> tried);

    /** The Envoy's architecture, as the artifact names spell it: amd64 or arm64. */
    default String arch() {
        return SymbolArtifacts.arch(System.getProperty("os.arch"));
    }

    /** No running Envoy to ask (e.g. {@code symbols fetch --proxy-sha}). */
    static ShaLookup none() {
        return tried -> Optional.empty();
    }
}
