package dev.meshdbg.symbols.inspect;

import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What {@code meshdbg symbols inspect} reports about one ELF file.
 *
 * @param codeSha256 the hash of the loadable code, computed only when there is no build-id (else null)
 */
public record SymbolReport(String file, long sizeBytes, String machine, String type, Optional<BuildId> buildId,
                           String codeSha256, DebugInfo debugInfo) {

    /** The ELF class and byte order meshdbg accepts; anything else is rejected when opening. */
    public static final String ELF_CLASS = "ELF64";
    public static final String ENDIANNESS = "little";

    /**
     * The debug information of the file.
     *
     * @param absentReason why there is none ("no .debug_info section", ...), null when present
     * @param notDecodedReason why the units could not be read (zstd), null when they were
     * @param versions DWARF version → number of units
     * @param unitTypes unit type label → number of units
     * @param units every unit, skeletons completed with the name of their split unit when the .dwp has it
     */
    public record DebugInfo(boolean present, String absentReason, boolean decoded, String notDecodedReason,
                            SortedMap<Integer, Integer> versions, Map<String, Integer> unitTypes, int dwarf64Units,
                            List<Section> sections, boolean debugNames, boolean gdbIndex, SplitDwarf split,
                            List<Counted> compDirs, List<PrefixCount> sourcePrefixes, List<DwarfUnit> units) {
        public int unitCount() {
            return units.size();
        }

        public List<Section> compressedSections() {
            return sections.stream().filter(s -> !s.compression().equals("none")).toList();
        }
    }

    /** A debug section: its size in the file and, when compressed, its size decompressed. */
    public record Section(String name, long size, String compression, long uncompressedSize) {
    }

    /** A distinct value and how many units have it. */
    public record Counted(String value, int units) {
    }

    /** A leading source-path prefix, its kind (see SourcePrefix.Kind) and how many units start with it. */
    public record PrefixCount(String prefix, String kind, int units, String example) {
    }

    /**
     * Split DWARF: skeleton units in the file, their .dwo names, and the .dwp beside the file.
     *
     * @param dwoFilesFound skeletons whose .dwo file exists (compDir/dwoName) on this machine
     */
    public record SplitDwarf(int skeletonUnits, List<String> dwoNames, int dwoFilesFound, Dwp dwp) {
    }

    /**
     * The package beside the file ({@code envoy.dwp} next to {@code envoy}).
     *
     * @param missingDwoIds the skeletons' DWO ids (hex) that the package does not hold
     * @param error why the package could not be read, or null
     */
    public record Dwp(String path, boolean present, int indexVersion, int units, int coveredSkeletons,
                      List<String> missingDwoIds, String error) {
    }
}
