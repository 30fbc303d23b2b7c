package dev.meshdbg.cli.symbols;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code meshdbg symbols}: what a local Envoy binary carries for debugging, and how to map its sources. */
@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = "Inspect debug binaries, derive source maps, find Envoy build outputs, add accelerator tables, fetch release symbols.",
        subcommands = {InspectCommand.class, SourceMapCommand.class, FindCommand.class, IndexCommand.class, FetchCommand.class})
public final class SymbolsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
