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
    /**
     * llvm-dwarfutil holds every DIE in memory, so its peak follows the size of .debug_info, not of
     * the file: 45x on a benchmark binary with 235 MB of .debug_info (10.5 GB, 7.7x its 1.36 GB
     * file), 47x on one with 17 MB; on a DIE-heavy 1.07 GB binary (819 MB of .debug_info) it passed
     * 17 GB and was stopped. 48x is the estimate.
     */
    static final int MEMORY_PER_DEBUG_INFO_BYTE = 48;
    /** The copy grew by 6% there (the table itself); leave room for more. */
    static final double DISK_PER_FILE_BYTE = 1.15;

    private IndexPlanner() {
    }

    static IndexPlan plan(IndexRequest request, Supplier<DwarfUtil> tool) {
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
        DwarfUtil dwarfUtil = tool.get();

        long size = report.sizeBytes();
        long debugInfo = debug.sections().stream().filter(s -> s.name().equals(".debug_info"))
                .mapToLong(s -> Math.max(s.size(), s.uncompressedSize())).sum();
        long memoryNeeded = debugInfo * MEMORY_PER_DEBUG_INFO_BYTE;
        long memoryAvailable = HostResources.memoryAvailable();
        long diskNeeded = (long) (size * DISK_PER_FILE_BYTE);
        Path dir = parent(output);
        long diskFree = HostResources.diskFree(dir);
        if (diskFree >= 0 && diskFree < diskNeeded) {
            throw MeshdbgException.failure("not enough disk space for the indexed copy in " + dir + ": about "
                    + gb(diskNeeded) + " needed, " + gb(diskFree) + " free (choose another place with --out)", null);
        }
        if (!request.skipMemoryCheck() && memoryAvailable >= 0 && memoryAvailable < memoryNeeded) {
            throw MeshdbgException.failure("llvm-dwarfutil needs about " + gb(memoryNeeded) + " of memory for this file's "
                    + gb(debugInfo) + " of .debug_info (" + MEMORY_PER_DEBUG_INFO_BYTE + "x), only " + gb(memoryAvailable)
                    + " is available: run it where there is more, or pass --skip-memory-check", null);
        }
        String buildId = report.buildId().map(BuildId::hex).orElse(null);
        return new IndexPlan(input, output, size, buildId, report.codeSha256(), debug.unitCount(), dwarfUtil, debugInfo,
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

    static Supplier<DwarfUtil> locate(List<Path> dirs) {
        return dirs == null ? DwarfUtilLocator::find : () -> DwarfUtilLocator.find(dirs);
    }
}
