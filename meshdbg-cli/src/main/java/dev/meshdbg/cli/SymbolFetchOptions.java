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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which release symbols to fetch and from where: the proxy SHA when the process does not tell it,
 * Istio's bucket, a mirror ({@code --symbols-url}) or a directory of copies ({@code --symbols-dir});
 * into the user's cache. {@code symbols fetch} uses it alone, {@link SymbolSourceOptions} with {@code --symbols}.
 */
public final class SymbolFetchOptions {
    @Option(names = "--proxy-sha", paramLabel = "SHA",
            description = "The istio/proxy commit, when the running Envoy's environment and version do not tell it.")
    String proxySha;

    @Option(names = "--symbols-url", paramLabel = "BASE",
            description = "A mirror of Istio's bucket (default: " + HttpSymbolSource.ISTIO_BUCKET + ").")
    String symbolsUrl;

    @Option(names = "--symbols-dir", paramLabel = "DIR",
            description = "A directory holding envoy-symbol-SHA.tar.gz and .dwp (no network).")
    Path symbolsDir;

    /** Whether any of these options was given. */
    boolean given() {
        return proxySha != null || symbolsUrl != null || symbolsDir != null;
    }

    /** Fetches by the proxy SHA; refused with one line naming where it looked when there is none. */
    public FetchedSymbols fetch(ShaLookup lookup, FetchListener listener) {
        List<String> tried = new ArrayList<>();
        return fetchIfKnown(lookup, listener, tried).orElseThrow(() -> MeshdbgException.badInput(
                "cannot tell which Envoy build runs (looked at " + String.join(", ", tried)
                        + "): give --proxy-sha SHA, --symbols FILE or --symbols-dir DIR"));
    }

    /** Empty when no proxy SHA is found and no source was asked for: a process that is no Istio Envoy. */
    public Optional<FetchedSymbols> fetchIfKnown(ShaLookup lookup, FetchListener listener, List<String> tried) {
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
        SymbolCache cache = SymbolCache.user(System.getenv(), Path.of(System.getProperty("user.home")));
        return Optional.of(new SymbolFetcher(source(), cache, listener).fetch(sha.get(), lookup.arch()));
    }

    SymbolSource source() {
        if (symbolsDir != null && symbolsUrl != null) {
            throw MeshdbgException.badInput("give --symbols-dir or --symbols-url, not both");
        }
        return symbolsDir != null ? new DirSymbolSource(symbolsDir)
                : new HttpSymbolSource(symbolsUrl != null ? symbolsUrl : HttpSymbolSource.ISTIO_BUCKET);
    }
}
