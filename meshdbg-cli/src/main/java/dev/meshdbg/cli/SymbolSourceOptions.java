package dev.meshdbg.cli;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.fetch.DirSymbolSource;
import dev.meshdbg.symbols.fetch.FetchListener;
import dev.meshdbg.symbols.fetch.FetchedSymbols;
import dev.meshdbg.symbols.fetch.FoundSha;
import dev.meshdbg.symbols.fetch.HttpSymbolSource;
import dev.meshdbg.symbols.fetch.ProxySha;
import dev.meshdbg.symbols.fetch.ShaLookup;
import dev.meshdbg.symbols.fetch.SymbolCache;
import dev.meshdbg.symbols.fetch.SymbolFetcher;
import dev.meshdbg.symbols.fetch.SymbolSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the debugger's symbols come from, shared by every command that needs them: a local file
 * ({@code --symbols}), or Istio's release symbols of the running Envoy's proxy SHA, fetched from
 * Istio's bucket, a mirror ({@code --symbols-url}) or a directory of copies ({@code --symbols-dir})
 * into the user's cache.
 */
public final class SymbolSourceOptions {
    @Option(names = "--symbols", paramLabel = "FILE",
            description = "Local Envoy with debug info (a split-DWARF package beside it as FILE.dwp). Default: Istio's "
                    + "release symbols of the running Envoy's proxy SHA.")
    public Path symbols;

    @Option(names = "--proxy-sha", paramLabel = "SHA",
            description = "The istio/proxy commit, when the running Envoy's environment and binary do not tell it.")
    String proxySha;

    @Option(names = "--symbols-url", paramLabel = "BASE",
            description = "A mirror of Istio's bucket (default: " + HttpSymbolSource.ISTIO_BUCKET + ").")
    String symbolsUrl;

    @Option(names = "--symbols-dir", paramLabel = "DIR",
            description = "A directory holding envoy-symbol-SHA.tar.gz and .dwp (no network).")
    Path symbolsDir;

    /** The symbols fetched by the last resolve, if any: for reports. */
    private FetchedSymbols fetched;

    /** {@code --symbols}, or the fetched release symbols; refused with one line when no proxy SHA is known. */
    public Path resolve(ShaLookup lookup, FetchListener listener) {
        List<String> tried = new ArrayList<>();
        return resolveIfKnown(lookup, listener, tried).orElseThrow(() -> MeshdbgException.badInput(
                "cannot tell which Envoy build runs (looked at " + String.join(", ", tried)
                        + "): give --proxy-sha SHA, --symbols FILE or --symbols-dir DIR"));
    }

    /**
     * Like {@link #resolve}, but empty when no proxy SHA is found and no source was asked for: a
     * process that is no Istio Envoy is debugged without symbols, as before.
     */
    public Optional<Path> resolveIfKnown(ShaLookup lookup, FetchListener listener, List<String> tried) {
        if (symbols != null) {
            if (!Files.isRegularFile(symbols)) {
                throw MeshdbgException.badInput("--symbols " + symbols + " is not a file");
            }
            return Optional.of(symbols);
        }
        Optional<FoundSha> sha = proxySha != null
                ? Optional.of(new FoundSha(ProxySha.parse(proxySha), "--proxy-sha"))
                : lookup.find(tried);
        if (sha.isEmpty()) {
            if (symbolsUrl != null || symbolsDir != null) {
                throw MeshdbgException.badInput("cannot tell which Envoy build runs (looked at " + String.join(", ", tried)
                        + "), so nothing to fetch from " + (symbolsDir != null ? symbolsDir : symbolsUrl) + ": give --proxy-sha SHA");
            }
            return Optional.empty();
        }
        fetched = new SymbolFetcher(source(), SymbolCache.user(System.getenv(), Path.of(System.getProperty("user.home"))),
                listener).fetch(sha.get(), lookup.arch());
        return Optional.of(fetched.binary());
    }

    public Optional<FetchedSymbols> fetched() {
        return Optional.ofNullable(fetched);
    }

    SymbolSource source() {
        if (symbolsDir != null && symbolsUrl != null) {
            throw MeshdbgException.badInput("give --symbols-dir or --symbols-url, not both");
        }
        return symbolsDir != null ? new DirSymbolSource(symbolsDir)
                : new HttpSymbolSource(symbolsUrl != null ? symbolsUrl : HttpSymbolSource.ISTIO_BUCKET);
    }

    /** Why lldb is the default for symbols with a .dwp; said in the attach report. */
    public static final String LLDB_FOR_DWP =
            "lldb, which reads the split-DWARF package (gdb 13 stops with an internal error on llvm-dwp's DWARF 5 .dwp)";

    /** The symbols in use and, when fetched, which build and from where: one line of an attach report. */
    public String describe(Path resolved) {
        return resolved + fetched().filter(f -> f.binary().equals(resolved)).map(f -> " (istio/proxy " + f.sha().sha()
                + " from " + f.sha().from() + ", " + (f.cached() ? "cached" : "fetched") + " from " + f.source() + ")")
                .orElse("");
    }

    /** The debugger that reads these symbols: lldb for a split-DWARF package, which gdb 13 dies on. */
    public static Optional<String> preferredDebugger(Path symbols) {
        return symbols != null && Files.isRegularFile(symbols.resolveSibling(symbols.getFileName() + ".dwp"))
                ? Optional.of("lldb") : Optional.empty();
    }
}
