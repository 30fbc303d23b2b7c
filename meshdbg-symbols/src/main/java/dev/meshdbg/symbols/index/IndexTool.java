package dev.meshdbg.symbols.index;

import java.nio.file.Path;
import java.util.List;

/**
 * The two tools that write {@code .debug_names}, and what each costs. Measured on this project's
 * benchmark binaries (BENCHMARKS.md, "Debugger ready"): a 1.36 GB one with 235 MB of .debug_info
 * and a DIE-heavy 1.07 GB one shaped like Envoy (819 MB of .debug_info).
 */
public enum IndexTool {
    /**
     * gdb's own writer ({@code gdb-add-index -dwarf-5}, package gdb): adds the table (and strings)
     * with objcopy and leaves the DWARF untouched, so gdb and lldb both use it. Peak memory was
     * 4.5x and 4.6x the file size (6.1 GB, 4.9 GB); the file grew by 50% and 8%.
     */
    GDB("gdb", "gdb", 5, 1.6),
    /**
     * {@code llvm-dwarfutil --build-accelerator=DWARF} (package llvm-19): rewrites all DWARF while
     * holding every DIE, so memory follows .debug_info: 45x (10.5 GB) on the first binary, over 17 GB
     * (stopped) on the second. gdb 13 does not find functions by name through its table.
     */
    LLVM("llvm", "LLVM", 48, 1.15);

    private final String option;
    private final String versionLabel;
    private final int memoryFactor;
    private final double diskFactor;

    IndexTool(String option, String versionLabel, int memoryFactor, double diskFactor) {
        this.option = option;
        this.versionLabel = versionLabel;
        this.memoryFactor = memoryFactor;
        this.diskFactor = diskFactor;
    }

    /** The name {@code --tool} takes. */
    public String option() {
        return option;
    }

    String versionLabel() {
        return versionLabel;
    }

    /** Expected peak memory: per byte of the file for gdb, per byte of .debug_info for llvm-dwarfutil. */
    public long memoryNeeded(long fileBytes, long debugInfoBytes) {
        return this == GDB ? fileBytes * memoryFactor : debugInfoBytes * memoryFactor;
    }

    /** How the estimate is made, for messages. */
    public String memoryBasis() {
        return this == GDB ? memoryFactor + "x the file size" : memoryFactor + "x the size of .debug_info";
    }

    public long diskNeeded(long fileBytes) {
        return (long) (fileBytes * diskFactor);
    }

    /** The command that turns {@code copy} into an indexed copy of {@code input}. */
    List<String> command(Path executable, Path input, Path copy) {
        if (this == GDB) {
            return List.of(executable.toString(), "-dwarf-5", copy.toAbsolutePath().toString());
        }
        // No garbage collection or ODR deduplication: the DWARF describes the same program, only with a table.
        return List.of(executable.toString(), "--no-garbage-collection", "--no-odr", "--build-accelerator=DWARF",
                input.toAbsolutePath().toString(), copy.toAbsolutePath().toString());
    }

    /** gdb-add-index works on a file in place: it gets a copy of the input first. */
    boolean editsInPlace() {
        return this == GDB;
    }

    public static IndexTool ofOption(String option) {
        for (IndexTool t : values()) {
            if (t.option.equals(option)) {
                return t;
            }
        }
        throw dev.meshdbg.errors.MeshdbgException.badInput("unknown --tool '" + option + "': use gdb or llvm");
    }
}
