package dev.meshdbg.symbols.index;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import dev.meshdbg.symbols.inspect.SymbolReport.DebugInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Checks an indexing request before anything is written: input, output, tool, memory and disk. */
final class IndexPlanner {

    private IndexPlanner() {
    }

    static IndexPlan plan(IndexRequest request, Supplier<IndexerInstall> tool) {
        Path input = request.input();
        SymbolReport report = SymbolInspector.inspect(input);
        DebugInfo debug = report.debugInfo();
        if (!debug.present()) {
            throw MeshdbgException.badInput(input + " has no debug info to index (" + debug.absentReason() + ")");
        }
        if (debug.debugNames()) {
            throw MeshdbgException.badInput(input + " already has a .debug_names accelerator table: use it as it is");
        }
        if (debug.gdbIndex()) {
            throw MeshdbgException.badInput(input + " already has a .gdb_index accelerator table (from gdb-add-index):"
                    + " index the binary it was made from");
        }
        if (debug.split() != null && debug.split().skeletonUnits() > 0) {
            throw MeshdbgException.badInput(input + " uses split DWARF (" + debug.split().skeletonUnits()
                    + " skeleton units; the DWARF is in .dwo/.dwp files), which llvm-dwarfutil cannot index");
        }
        Path output = request.outputPath();
        checkOutput(input, output, request.overwrite());
        IndexerInstall indexer = tool.get();
        IndexTool kind = indexer.kind();

        long size = report.sizeBytes();
        long debugInfo = debug.sections().stream().filter(s -> s.name().equals(".debug_info"))
                .mapToLong(s -> Math.max(s.size(), s.uncompressedSize())).sum();
        long memoryNeeded = kind.memoryNeeded(size, debugInfo);
        long memoryAvailable = HostResources.memoryAvailable();
        long diskNeeded = kind.diskNeeded(size);
        Path dir = parent(output);
        long diskFree = HostResources.diskFree(dir);
        if (diskFree >= 0 && diskFree < diskNeeded) {
            throw MeshdbgException.failure("not enough disk space for the indexed copy in " + dir + ": about "
                    + gb(diskNeeded) + " needed, " + gb(diskFree) + " free (choose another place with --out)", null);
        }
        if (!request.skipMemoryCheck() && memoryAvailable >= 0 && memoryAvailable < memoryNeeded) {
            throw MeshdbgException.failure(indexer.executable().getFileName() + " needs about " + gb(memoryNeeded)
                    + " of memory for this file (" + kind.memoryBasis() + "), only " + gb(memoryAvailable)
                    + " is available: run it where there is more" + (kind == IndexTool.LLVM ? ", use --tool gdb" : "")
                    + ", or pass --skip-memory-check", null);
        }
        String buildId = report.buildId().map(BuildId::hex).orElse(null);
        return new IndexPlan(input, output, size, buildId, report.codeSha256(), debug.unitCount(), indexer, debugInfo,
                memoryNeeded, memoryAvailable, diskNeeded, diskFree, request.overwrite());
    }

    private static void checkOutput(Path input, Path output, boolean overwrite) {
        Path dir = parent(output);
        if (!Files.isDirectory(dir)) {
            throw MeshdbgException.badInput("cannot write " + output + ": " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw MeshdbgException.badInput("cannot write " + output + ": " + dir + " is not writable");
        }
        if (Files.exists(output)) {
            if (sameFile(input, output)) {
                throw MeshdbgException.badInput("the output " + output + " is the input itself: choose another --out");
            }
            if (Files.isDirectory(output)) {
                throw MeshdbgException.badInput("the output " + output + " is a directory: give a file name with --out");
            }
            if (!overwrite) {
                throw MeshdbgException.badInput(output + " already exists: remove it, pass --force to replace it,"
                        + " or choose another --out");
            }
        }
    }

    static Path parent(Path output) {
        Path parent = output.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    static String gb(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MB", Math.ceil(bytes / (double) (1L << 20)));
    }

    static Supplier<IndexerInstall> locate(IndexTool tool, List<Path> dirs) {
        if (tool == IndexTool.GDB) {
            return dirs == null ? GdbAddIndexLocator::find : () -> GdbAddIndexLocator.find(dirs);
        }
        return dirs == null ? DwarfUtilLocator::find : () -> DwarfUtilLocator.find(dirs);
    }
}
