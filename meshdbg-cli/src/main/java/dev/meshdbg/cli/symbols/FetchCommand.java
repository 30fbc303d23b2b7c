package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.FetchProgress;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.cli.SymbolFetchOptions;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.fetch.FetchedSymbols;
import dev.meshdbg.symbols.fetch.LocalShaLookup;
import dev.meshdbg.symbols.fetch.ShaLookup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetch Istio's release symbols of an Envoy build (the unstripped optimized envoy and its .dwp)",
            "into the cache, by istio/proxy commit (--proxy-sha) or from a running Envoy (--pid), and print their paths."})
final class FetchCommand implements Runnable {
    @Option(names = "--pid", paramLabel = "N", description = "A running Envoy: its ISTIO_META_ISTIO_PROXY_SHA, else its version string.")
    Long pid;

    @Mixin
    SymbolFetchOptions source;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (pid != null && pid <= 0) {
            throw MeshdbgException.badInput("--pid must be a positive number, not " + pid);
        }
        ShaLookup lookup = pid != null ? new LocalShaLookup(Path.of("/proc"), pid) : ShaLookup.none();
        FetchedSymbols f = source.fetch(lookup, new FetchProgress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> m = InspectJson.ordered("schemaVersion", InspectJson.SCHEMA_VERSION,
                    "proxySha", f.sha().sha().hex(), "shaFrom", f.sha().from(), "binary", f.binary().toString());
            m.put("dwp", f.dwp().map(Path::toString).orElse(null));
            m.put("source", f.source());
            m.put("cached", f.cached());
            out.println(JsonText.write(m));
        } else {
            out.println("proxy SHA  " + f.sha().sha() + " (" + f.sha().from() + ")");
            out.println("envoy      " + f.binary());
            out.println("envoy.dwp  " + f.dwp().map(Path::toString).orElse("(none published)"));
            out.println("source     " + f.source() + (f.cached() ? " (already cached)" : ""));
        }
        out.flush();
    }
}
