package dev.meshdbg.symbols.fetch;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Release symbols on local disk: the unstripped binary and, beside it as {@code envoy.dwp}, its
 * split-DWARF package when one was published.
 *
 * @param source the URL or path the binary's tarball came from
 * @param cached whether they were already in the cache (nothing fetched)
 */
public record FetchedSymbols(FoundSha sha, Path binary, Optional<Path> dwp, String source, boolean cached) {
}
