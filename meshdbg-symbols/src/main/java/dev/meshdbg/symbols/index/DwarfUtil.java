package dev.meshdbg.symbols.index;

import java.nio.file.Path;

/**
 * An installed {@code llvm-dwarfutil} that can write a {@code .debug_names} table.
 *
 * @param version what {@code --version} reports, e.g. {@code 19.1.7}
 */
public record DwarfUtil(Path executable, int major, String version) {
    @Override
    public String toString() {
        return executable + " (LLVM " + version + ")";
    }
}
