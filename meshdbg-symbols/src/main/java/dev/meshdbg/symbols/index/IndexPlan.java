package dev.meshdbg.symbols.index;

import java.nio.file.Path;

/**
 * A checked indexing job: the input qualifies, the tool is there, and what it will cost.
 *
 * @param buildId the input's GNU build-id in hex, or null when it has none
 * @param codeSha256 the hash of the input's loadable code, used instead when there is no build-id
 * @param units the input's DWARF units (the output must have as many)
 * @param debugInfoBytes the size of .debug_info (decompressed), which llvm-dwarfutil's memory follows
 * @param memoryNeeded what the tool is expected to need at its peak, in bytes
 * @param memoryAvailable MemAvailable from /proc/meminfo in bytes, or -1 when unknown
 * @param diskNeeded bytes the output is expected to take
 * @param diskFree usable bytes on the output's file system
 */
public record IndexPlan(Path input, Path output, long inputBytes, String buildId, String codeSha256, int units,
                        IndexerInstall tool, long debugInfoBytes, long memoryNeeded, long memoryAvailable, long diskNeeded, long diskFree,
                        boolean overwrite) {
}
