package dev.meshdbg.cli.symbols;

import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.inspect.SymbolReport;
import dev.meshdbg.symbols.inspect.SymbolReport.DebugInfo;
import dev.meshdbg.symbols.inspect.SymbolReport.Dwp;
import dev.meshdbg.symbols.inspect.SymbolReport.SplitDwarf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON schema of {@code symbols inspect -o json}, version 1 (documented in docs/symbols.md). */
final class InspectJson {
    static final int SCHEMA_VERSION = 1;

    private InspectJson() {
    }

    static Map<String, Object> of(SymbolReport r, boolean withUnits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("file", r.file());
        m.put("sizeBytes", r.sizeBytes());
        m.put("elfClass", SymbolReport.ELF_CLASS);
        m.put("endianness", SymbolReport.ENDIANNESS);
        m.put("machine", r.machine());
        m.put("type", r.type());
        m.put("buildId", r.buildId().map(BuildId::hex).orElse(null));
        m.put("codeSha256", r.codeSha256());
        m.put("debugInfo", debugInfo(r.debugInfo(), withUnits));
        return m;
    }

    private static Map<String, Object> debugInfo(DebugInfo d, boolean withUnits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("present", d.present());
        m.put("absentReason", d.absentReason());
        m.put("decoded", d.decoded());
        m.put("notDecodedReason", d.notDecodedReason());
        Map<String, Object> versions = new LinkedHashMap<>();
        d.versions().forEach((v, n) -> versions.put(String.valueOf(v), n));
        m.put("dwarfVersions", versions);
        Map<String, Object> units = new LinkedHashMap<>();
        units.put("total", d.unitCount());
        units.put("byType", new LinkedHashMap<>(d.unitTypes()));
        units.put("dwarf64", d.dwarf64Units());
        m.put("units", units);
        List<Object> sections = new ArrayList<>();
        d.sections().forEach(s -> sections.add(ordered("name", s.name(), "size", s.size(), "compression", s.compression(),
                "uncompressedSize", s.uncompressedSize())));
        m.put("sections", sections);
        m.put("compressedSections", d.compressedSections().stream().map(SymbolReport.Section::name).toList());
        m.put("accelerators", ordered("debugNames", d.debugNames(), "gdbIndex", d.gdbIndex()));
        m.put("splitDwarf", split(d.split()));
        List<Object> dirs = new ArrayList<>();
        d.compDirs().forEach(c -> dirs.add(ordered("path", c.value(), "units", c.units())));
        m.put("compDirs", dirs);
        List<Object> prefixes = new ArrayList<>();
        d.sourcePrefixes().forEach(p -> prefixes.add(ordered("prefix", p.prefix(), "kind", p.kind(), "units", p.units(),
                "example", p.example())));
        m.put("sourcePrefixes", prefixes);
        if (withUnits) {
            List<Object> list = new ArrayList<>(d.units().size());
            d.units().forEach(u -> list.add(unit(u)));
            m.put("unitList", list);
        }
        return m;
    }

    private static Object split(SplitDwarf s) {
        if (s == null) {
            return null;
        }
        Dwp p = s.dwp();
        Map<String, Object> dwp = ordered("path", p.path(), "present", p.present(), "indexVersion", p.indexVersion(),
                "units", p.units(), "coveredSkeletons", p.coveredSkeletons());
        dwp.put("missingDwoIds", p.missingDwoIds());
        dwp.put("error", p.error());
        Map<String, Object> m = ordered("skeletonUnits", s.skeletonUnits(), "dwoNames", s.dwoNames(),
                "dwoFilesFound", s.dwoFilesFound());
        m.put("dwp", dwp);
        return m;
    }

    private static Map<String, Object> unit(DwarfUnit u) {
        Map<String, Object> m = ordered("section", u.section(), "offset", u.offset(), "version", u.version(),
                "type", u.type().label());
        m.put("dwarf64", u.dwarf64());
        m.put("name", u.name());
        m.put("compDir", u.compDir());
        m.put("producer", u.producer());
        m.put("dwoName", u.dwoName());
        m.put("dwoId", u.dwoId().isPresent() ? String.format("%016x", u.dwoId().getAsLong()) : null);
        return m;
    }

    /** An ordered map from alternating keys and values. */
    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
