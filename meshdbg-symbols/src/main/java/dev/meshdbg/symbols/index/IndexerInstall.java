package dev.meshdbg.symbols.index;

import java.nio.file.Path;

/**
 * An installed tool that can write a {@code .debug_names} table.
 *
 * @param version what the tool (for gdb-add-index: its gdb) reports, e.g. {@code 19.1.7} or {@code 13.1}
 */
public record IndexerInstall(IndexTool kind, Path executable, String version) {
    @Override
    public String toString() {
        return executable + " (" + kind.versionLabel() + " " + version + ")";
    }
}
