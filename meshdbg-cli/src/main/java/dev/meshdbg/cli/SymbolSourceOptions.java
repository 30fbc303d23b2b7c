package dev.meshdbg.cli;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.fetch.FetchListener;
import dev.meshdbg.symbols.fetch.FetchedSymbols;
import dev.meshdbg.symbols.fetch.ShaLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the debugger's symbols come from, for every command that debugs Envoy: a local file
 * ({@code --symbols}), or else Istio's release symbols of the running Envoy's proxy SHA
 * ({@link SymbolFetchOptions}). {@link #resolve} turns either into a local file path.
 */
public final class SymbolSourceOptions {
    /** Why lldb is the default for symbols with a .dwp; said in the attach report. */
    public static final String LLDB_FOR_DWP =
            "lldb, which reads the split-DWARF package (gdb 13 stops with an internal error on llvm-dwp's DWARF 5 .dwp)";

    @Option(names = "--symbols", paramLabel = "FILE",
            description = "Local Envoy with debug info (a split-DWARF package beside it as FILE.dwp). Default: Istio's "
                    + "release symbols of the running Envoy's proxy SHA.")
    public Path symbols;

    @Mixin
    SymbolFetchOptions fetch;

    /** The symbols fetched by the last resolve, if any: for reports. */
    private FetchedSymbols fetched;

    /** {@code --symbols}, or the fetched release symbols; refused with one line when no proxy SHA is known. */
    public Path resolve(ShaLookup lookup, FetchListener listener) {
        if (symbols != null) {
            return checked(symbols);
        }
        fetched = fetch.fetch(lookup, listener);
        return fetched.binary();
    }

    /**
     * Like {@link #resolve}, but empty when no proxy SHA is found and no source was asked for: a
     * process that is no Istio Envoy is debugged without symbols, as before.
     */
    public Optional<Path> resolveIfKnown(ShaLookup lookup, FetchListener listener) {
        if (symbols != null) {
            return Optional.of(checked(symbols));
        }
        List<String> tried = new ArrayList<>();
        fetched = fetch.fetchIfKnown(lookup, listener, tried).orElse(null);
        return fetched().map(FetchedSymbols::binary);
    }

    /**
     * For a process on this machine: {@code --symbols}, else the release symbols of its proxy SHA.
     * The target is resolved here read-only, as the agent will, to read its environment and
     * binary; no SHA means no symbols.
     */
    public Optional<Path> resolveLocal(dev.meshdbg.agent.proc.TargetQuery query, FetchListener listener) {
        if (symbols != null) {
            return Optional.of(resolve(ShaLookup.none(), FetchListener.NONE));
        }
        dev.meshdbg.agent.proc.ProcScanner scanner = dev.meshdbg.agent.proc.ProcScanner.system();
        dev.meshdbg.agent.proc.Target target = query.resolve(scanner, dev.meshdbg.agent.proc.HostnameReader.system(scanner));
        return resolveIfKnown(new dev.meshdbg.symbols.fetch.LocalShaLookup(scanner.procRoot(), target.hostPid()), listener);
    }

    public Optional<FetchedSymbols> fetched() {
        return Optional.ofNullable(fetched);
    }

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

    private Path checked(Path file) {
        if (fetch.given()) {
            throw MeshdbgException.badInput("--symbols names the file to use; --proxy-sha, --symbols-url and --symbols-dir"
                    + " are for fetching one: give one or the other");
        }
        if (!Files.isRegularFile(file)) {
            throw MeshdbgException.badInput("--symbols " + file + " is not a file");
        }
        return file;
    }
}
