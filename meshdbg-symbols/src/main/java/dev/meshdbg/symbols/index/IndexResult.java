package dev.meshdbg.symbols.index;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A verified indexed copy: it has {@code .debug_names}, the input's build-id and as many units.
 *
 * @param buildId the build-id both files carry, or null when the input has none (then the code hashes matched)
 * @param toolPeakRssBytes llvm-dwarfutil's peak resident memory as sampled while it ran, or -1 when unknown
 */
public record IndexResult(Path input, Path output, long inputBytes, long outputBytes, String buildId, int units,
                          Duration elapsed, long toolPeakRssBytes) {
}
