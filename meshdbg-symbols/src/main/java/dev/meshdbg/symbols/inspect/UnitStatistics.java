package dev.meshdbg.symbols.inspect;

import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.inspect.SymbolReport.Counted;
import dev.meshdbg.symbols.inspect.SymbolReport.DebugInfo;
import dev.meshdbg.symbols.inspect.SymbolReport.PrefixCount;
import dev.meshdbg.symbols.inspect.SymbolReport.Section;
import dev.meshdbg.symbols.inspect.SymbolReport.SplitDwarf;
import dev.meshdbg.symbols.sourcemap.SourcePrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts over the units: versions, unit types, compilation directories, source-path prefixes. */
final class UnitStatistics {
    private UnitStatistics() {
    }

    static DebugInfo summarize(List<Section> sections, boolean names, boolean gdbIndex, SplitDwarf split,
                               List<DwarfUnit> units) {
        TreeMap<Integer, Integer> versions = new TreeMap<>();
        Map<String, Integer> types = new TreeMap<>();
        Map<String, Integer> dirs = new HashMap<>();
        Map<SourcePrefix, Integer> prefixes = new HashMap<>();
        Map<SourcePrefix, String> examples = new HashMap<>();
        int dwarf64 = 0;
        for (DwarfUnit u : units) {
            versions.merge(u.version(), 1, Integer::sum);
            types.merge(u.type().label(), 1, Integer::sum);
            if (u.dwarf64()) {
                dwarf64++;
            }
            if (u.compDir() != null) {
                dirs.merge(u.compDir(), 1, Integer::sum);
            }
            String source = u.primarySourcePath();
            if (source != null) {
                SourcePrefix p = SourcePrefix.of(source);
                prefixes.merge(p, 1, Integer::sum);
                examples.putIfAbsent(p, source);
            }
        }
        List<Counted> compDirs = new ArrayList<>();
        byCount(dirs).forEach((dir, n) -> compDirs.add(new Counted(dir, n)));
        List<PrefixCount> prefixCounts = new ArrayList<>();
        byCount(prefixes).forEach((p, n) -> prefixCounts.add(new PrefixCount(p.prefix(), p.kind().label(), n, examples.get(p))));
        return new DebugInfo(true, null, true, null, versions, types, dwarf64, sections, names, gdbIndex, split,
                compDirs, prefixCounts, units);
    }

    /** Most frequent first, ties in a stable order by the key's text. */
    private static <K> Map<K, Integer> byCount(Map<K, Integer> counts) {
        Map<K, Integer> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<K, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(e -> e.getKey().toString()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
