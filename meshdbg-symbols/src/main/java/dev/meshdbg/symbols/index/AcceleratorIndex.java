package dev.meshdbg.symbols.index;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code meshdbg symbols index}: writes a copy of a debug binary with a DWARF 5 {@code .debug_names}
 * accelerator table, so that lldb finds functions and types without indexing every DIE itself
 * (see BENCHMARKS.md, "Debugger ready"). The table is written by gdb-add-index (default) or
 * llvm-dwarfutil, see {@link IndexTool}; the copy is checked (same build-id,
 * same number of units, a .debug_names present) before it takes the output's name, so a failed or
 * interrupted run leaves nothing behind.
 */
public final class AcceleratorIndex {
    private AcceleratorIndex() {
    }

    /** Checks the request without writing anything; throws with one line when it cannot go ahead. */
    public static IndexPlan plan(IndexRequest request) {
        return IndexPlanner.plan(request, IndexPlanner.locate(request.tool(), null));
    }

    /** The same, looking for the tool (and what it needs) only in {@code toolDirs}. */
    public static IndexPlan plan(IndexRequest request, List<Path> toolDirs) {
        return IndexPlanner.plan(request, IndexPlanner.locate(request.tool(), Objects.requireNonNull(toolDirs)));
    }

    /** Writes and verifies the indexed copy. */
    public static IndexResult build(IndexPlan plan, IndexListener listener) {
        long start = System.nanoTime();
        Path output = plan.output().toAbsolutePath();
        Path copy = output.resolveSibling("." + output.getFileName() + ".partial-" + ProcessHandle.current().pid());
        IndexerRun run = new IndexerRun(plan.tool(), plan.input(), copy);
        listener.started(plan);
        try {
            run.run(listener);
            listener.verifying(plan);
            verify(plan, copy);
            Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(plan.input()));
            moveInPlace(copy, output, plan.overwrite());
            return new IndexResult(plan.input(), plan.output(), plan.inputBytes(), Files.size(output), plan.buildId(),
                    plan.units(), Duration.ofNanos(System.nanoTime() - start), run.peakRss());
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot write " + output + ": " + e.getMessage(), e);
        } finally {
            IndexerRun.deleteQuietly(copy);
            IndexerRun.deleteLeftovers(copy);
        }
    }

    /** The copy must be the same program with the table added, or it is not used. */
    static void verify(IndexPlan plan, Path copy) {
        if (!Files.isRegularFile(copy)) {
            throw MeshdbgException.failure(plan.tool().executable().getFileName() + " reported success but wrote no "
                    + copy.getFileName(), null);
        }
        SymbolReport report;
        try {
            report = SymbolInspector.inspect(copy);
        } catch (MeshdbgException e) {
            throw MeshdbgException.failure("the indexed copy of " + plan.input() + " is unreadable: " + e.getMessage(), e);
        }
        String buildId = report.buildId().map(BuildId::hex).orElse(null);
        if (!Objects.equals(buildId, plan.buildId())) {
            throw MeshdbgException.failure("the indexed copy has build-id " + buildId + ", the input " + plan.buildId()
                    + ": not using it", null);
        }
        if (buildId == null && !Objects.equals(report.codeSha256(), plan.codeSha256())) {
            throw MeshdbgException.failure("the indexed copy's code differs from the input's: not using it", null);
        }
        if (!report.debugInfo().debugNames()) {
            throw MeshdbgException.failure(plan.tool().executable().getFileName() + " wrote no .debug_names table into the copy"
                    + " of " + plan.input(), null);
        }
        if (report.debugInfo().unitCount() != plan.units()) {
            throw MeshdbgException.failure("the indexed copy has " + report.debugInfo().unitCount() + " DWARF units, the input "
                    + plan.units() + ": not using it", null);
        }
    }

    private static void moveInPlace(Path copy, Path output, boolean overwrite) throws IOException {
        try {
            if (overwrite) {
                Files.move(copy, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(copy, output, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(copy, output, overwrite ? new StandardCopyOption[] {StandardCopyOption.REPLACE_EXISTING}
                    : new StandardCopyOption[0]);
        }
    }
}
