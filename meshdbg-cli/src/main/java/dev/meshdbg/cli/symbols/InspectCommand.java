package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Report what an ELF file carries for debugging: architecture, build-id, DWARF versions and units,",
            "split DWARF and its .dwp, compressed and accelerator sections, compilation directories and source prefixes."})
final class InspectCommand implements Runnable {
    @Parameters(paramLabel = "FILE", description = "The ELF file, e.g. bazel-bin/source/exe/envoy-static.")
    Path file;

    @Option(names = "--units", description = "With -o json, also list every unit (name, comp dir, producer, ...).")
    boolean units;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        SymbolReport report = SymbolInspector.inspect(file);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(JsonText.write(InspectJson.of(report, units)));
        } else {
            InspectText.print(out, report);
        }
        out.flush();
    }
}
