package dev.meshdbg.symbols.index;

import java.nio.file.Path;

/**
 * What {@code meshdbg symbols index} was asked to do.
 *
 * @param output where the indexed copy goes; null for {@code INPUT.indexed} beside the input
 * @param overwrite replace an existing output file
 * @param skipMemoryCheck run even when less memory is available than the tool is expected to need
 * @param tool which tool writes the table
 */
public record IndexRequest(Path input, Path output, boolean overwrite, boolean skipMemoryCheck, IndexTool tool) {
    /** With the default tool, gdb-add-index: both debuggers use its table, and it needs far less memory. */
    public IndexRequest(Path input, Path output, boolean overwrite, boolean skipMemoryCheck) {
        this(input, output, overwrite, skipMemoryCheck, IndexTool.GDB);
    }

    public static final String DEFAULT_SUFFIX = ".indexed";

    /** The output path: the one given, or the input's name plus {@value #DEFAULT_SUFFIX} beside it. */
    public Path outputPath() {
        if (output != null) {
            return output;
        }
        Path name = input.getFileName();
        return input.resolveSibling((name == null ? "symbols" : name.toString()) + DEFAULT_SUFFIX);
    }
}
