package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.cli.Sizes;
import dev.meshdbg.symbols.index.AcceleratorIndex;
import dev.meshdbg.symbols.index.IndexListener;
import dev.meshdbg.symbols.index.IndexPlan;
import dev.meshdbg.symbols.index.IndexRequest;
import dev.meshdbg.symbols.index.IndexResult;
import dev.meshdbg.symbols.index.IndexTool;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Write a copy of a debug binary with a .debug_names accelerator table, so lldb (and gdb) set",
            "breakpoints without indexing all DWARF first. The copy keeps the build-id: give it to",
            "'meshdbg attach --symbols'. Written by gdb-add-index -dwarf-5 (package gdb; about 5x the file",
            "size in memory) or, with --tool llvm, by llvm-dwarfutil (package llvm-19; about 48x the size of",
            ".debug_info, and gdb 13 then finds functions by name only through the ELF symbols)."})
final class IndexCommand implements Runnable {
    @Parameters(paramLabel = "FILE", description = "The debug binary, e.g. bazel-bin/source/exe/envoy-static.")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the copy (default: FILE.indexed beside FILE).")
    Path out;

    @Option(names = "--force", description = "Replace the output file if it exists.")
    boolean force;

    @Option(names = "--tool", paramLabel = "gdb|llvm", defaultValue = "gdb",
            description = "What writes the table: gdb (gdb-add-index -dwarf-5, default) or llvm (llvm-dwarfutil).")
    String tool;

    @Option(names = "--skip-memory-check", description = "Run even when less memory is available than llvm-dwarfutil is expected to need.")
    boolean skipMemoryCheck;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter w = spec.commandLine().getOut();
        IndexPlan plan = AcceleratorIndex.plan(new IndexRequest(file, out, force, skipMemoryCheck, IndexTool.ofOption(tool)));
        IndexResult result = AcceleratorIndex.build(plan, output.json() ? new JsonEvents(w) : new TextProgress(w));
        if (output.json()) {
            Map<String, Object> done = InspectJson.ordered("event", "indexed", "input", result.input().toString(),
                    "output", result.output().toString(), "inputBytes", result.inputBytes());
            done.put("outputBytes", result.outputBytes());
            done.put("buildId", result.buildId());
            done.put("units", result.units());
            done.put("debugNames", true);
            done.put("seconds", seconds(result.elapsed()));
            done.put("toolPeakRssBytes", result.toolPeakRssBytes());
            OutputOption.printJsonLine(w, done);
        } else {
            w.printf("wrote %s (%s) in %s: .debug_names added; build-id %s and %d units, as in the input%n",
                    result.output(), Sizes.human(result.outputBytes()), secondsText(result.elapsed()),
                    result.buildId() == null ? "absent (code hash equal)" : result.buildId(), result.units());
            if (result.toolPeakRssBytes() > 0) {
                w.printf("the tool used up to %s of memory%n", Sizes.human(result.toolPeakRssBytes()));
            }
            w.printf("use it as the symbol file: meshdbg attach ... --symbols %s%n", result.output());
            w.flush();
        }
    }

    private static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    private static String secondsText(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String memory(IndexPlan plan) {
        return "needs about " + Sizes.human(plan.memoryNeeded()) + " of memory (" + plan.tool().kind().memoryBasis()
                + (plan.memoryAvailable() >= 0 ? "; " + Sizes.human(plan.memoryAvailable()) + " available" : "") + ")"
                + " and " + Sizes.human(plan.diskNeeded()) + " of disk"
                + (plan.diskFree() >= 0 ? " (" + Sizes.human(plan.diskFree()) + " free)" : "");
    }

    /** Readable steps. */
    private record TextProgress(PrintWriter w) implements IndexListener {
        @Override
        public void started(IndexPlan plan) {
            w.printf("indexing %s (%s, %d units) with %s: %s%n", plan.input(), Sizes.human(plan.inputBytes()), plan.units(),
                    plan.tool(), memory(plan));
            w.flush();
        }

        @Override
        public void progress(Duration elapsed, long rssBytes) {
            w.printf("  still indexing after %d s%s%n", elapsed.toSeconds(),
                    rssBytes > 0 ? " (" + Sizes.human(rssBytes) + " of memory so far)" : "");
            w.flush();
        }

        @Override
        public void verifying(IndexPlan plan) {
            w.println("checking the copy: build-id, units, .debug_names");
            w.flush();
        }
    }

    /** One JSON event per line. */
    private record JsonEvents(PrintWriter w) implements IndexListener {
        @Override
        public void started(IndexPlan plan) {
            Map<String, Object> e = InspectJson.ordered("event", "started", "input", plan.input().toString(),
                    "output", plan.output().toString(), "inputBytes", plan.inputBytes());
            e.put("units", plan.units());
            e.put("buildId", plan.buildId());
            e.put("tool", plan.tool().kind().option());
            e.put("toolPath", plan.tool().executable().toString());
            e.put("toolVersion", plan.tool().version());
            e.put("debugInfoBytes", plan.debugInfoBytes());
            e.put("memoryNeededBytes", plan.memoryNeeded());
            e.put("memoryAvailableBytes", plan.memoryAvailable());
            e.put("diskNeededBytes", plan.diskNeeded());
            e.put("diskFreeBytes", plan.diskFree());
            OutputOption.printJsonLine(w, e);
        }

        @Override
        public void progress(Duration elapsed, long rssBytes) {
            OutputOption.printJsonLine(w, InspectJson.ordered("event", "progress", "seconds", seconds(elapsed),
                    "toolRssBytes", rssBytes));
        }

        @Override
        public void verifying(IndexPlan plan) {
            OutputOption.printJsonLine(w, InspectJson.ordered("event", "verifying", "output", plan.output().toString()));
        }
    }
}
