package dev.meshdbg.symbols.inspect;

import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.dwarf.DwarfScanner;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.elf.ElfSection;
import dev.meshdbg.symbols.elf.ElfSection.Compression;
import dev.meshdbg.symbols.inspect.SymbolReport.DebugInfo;
import dev.meshdbg.symbols.inspect.SymbolReport.Section;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Builds a {@link SymbolReport}: ELF identity, then what the DWARF says, reading only what it must. */
public final class SymbolInspector {
    /** Sections whose compression decides whether the units can be read. */
    private static final List<String> NEEDED = List.of(".debug_info", ".debug_abbrev", ".debug_str",
            ".debug_line_str", ".debug_str_offsets", ".debug_types");

    private SymbolInspector() {
    }

    public static SymbolReport inspect(Path file) {
        try (ElfFile elf = ElfFile.open(file)) {
            Optional<BuildId> buildId = elf.buildId();
            String codeHash = buildId.isPresent() ? null : HexFormat.of().formatHex(elf.loadableCodeHash());
            return new SymbolReport(file.toString(), elf.size(), elf.machine(), elf.typeName(), buildId, codeHash,
                    debugInfo(elf));
        }
    }

    private static DebugInfo debugInfo(ElfFile elf) {
        List<Section> sections = debugSections(elf);
        boolean names = elf.sectionHeader(".debug_names").isPresent();
        boolean gdbIndex = elf.sectionHeader(".gdb_index").isPresent();
        if (!elf.hasDebugInfo()) {
            return new DebugInfo(false, absentReason(elf), false, null, new TreeMap<>(), Map.of(), 0, sections,
                    names, gdbIndex, null, List.of(), List.of(), List.of());
        }
        for (String name : NEEDED) {
            Optional<ElfSection> s = elf.sectionHeaderOf(name);
            if (s.isPresent() && (s.get().compression() == Compression.ZSTD || s.get().compression() == Compression.UNKNOWN)) {
                String why = s.get().name() + " is " + s.get().compression().label()
                        + "-compressed, which meshdbg does not decode (objcopy --decompress-debug-sections makes a readable copy)";
                return new DebugInfo(true, null, false, why, new TreeMap<>(), Map.of(), 0, sections, names, gdbIndex,
                        null, List.of(), List.of(), List.of());
            }
        }
        List<DwarfUnit> units = DwarfScanner.units(elf);
        SplitDwarfCheck.Result split = SplitDwarfCheck.check(elf.path(), units);
        List<DwarfUnit> completed = split == null ? units : split.units();
        return UnitStatistics.summarize(sections, names, gdbIndex, split == null ? null : split.status(), completed);
    }

    private static String absentReason(ElfFile elf) {
        Optional<ElfSection> info = elf.sectionHeaderOf(".debug_info");
        String link = elf.section(".gnu_debuglink")
                .map(b -> {
                    int end = 0;
                    while (end < b.limit() && b.get(end) != 0) {
                        end++;
                    }
                    byte[] raw = new byte[end];
                    b.get(0, raw);
                    return "; its debug link names " + new String(raw, java.nio.charset.StandardCharsets.UTF_8);
                })
                .orElse("");
        if (info.isEmpty()) {
            return "no .debug_info section (stripped, or built without -g)" + link;
        }
        return ".debug_info has no bytes in the file (stripped into a separate debug file)" + link;
    }

    private static List<Section> debugSections(ElfFile elf) {
        List<Section> out = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            String n = s.name();
            if (n.startsWith(".debug_") || n.startsWith(".zdebug_") || n.equals(".gdb_index")
                    || n.equals(".gnu_debuglink") || n.equals(".gnu_debugaltlink")) {
                out.add(new Section(n, s.type() == ElfSection.SHT_NOBITS ? 0 : s.size(), s.compression().label(),
                        s.type() == ElfSection.SHT_NOBITS ? 0 : s.uncompressedSize()));
            }
        }
        return out;
    }
}
