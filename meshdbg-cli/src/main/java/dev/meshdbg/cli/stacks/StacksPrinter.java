package dev.meshdbg.cli.stacks;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.symbols.symbolize.LlvmSymbolizer;
import java.io.PrintWriter;
import java.util.List;

/** Prints the report in the chosen format, with a note when source locations could not be added. */
final class StacksPrinter {
    private StacksPrinter() {
    }

    static void print(PrintWriter out, PrintWriter err, boolean json, List<CapturedStacks> pods, boolean symbolized) {
        if (!symbolized) {
            err.println("meshdbg: no llvm-symbolizer found (install " + LlvmSymbolizer.PACKAGE
                    + "): frames show ELF symbols only, without file:line or inlined functions");
            err.flush();
        }
        if (json) {
            OutputOption.printJson(out, StacksReport.json(pods));
        } else {
            StacksReport.text(out, pods);
        }
    }
}
