package dev.meshdbg.cli.stacks;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the executable's debug info comes from. Only {@code --symbols FILE} so far; the symbol
 * source options (by URL, directory, or the proxy's SHA) answer the same question: a local file
 * whose code is the running Envoy's, or none.
 */
public final class StackSymbols {
    @Option(names = "--symbols", paramLabel = "FILE",
            description = "Local Envoy with debug info (a .dwp beside it is used); must match the running one.")
    Path symbols;

    @Option(names = "--ignore-build-id-mismatch", description = "Go on when --symbols do not match the running binary.")
    boolean ignoreMismatch;

    public Optional<Path> file() {
        return Optional.ofNullable(symbols);
    }

    public boolean ignoreMismatch() {
        return ignoreMismatch;
    }
}
