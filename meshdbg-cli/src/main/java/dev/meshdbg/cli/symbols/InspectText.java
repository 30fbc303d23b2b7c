package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.Sizes;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.inspect.SymbolReport;
import dev.meshdbg.symbols.inspect.SymbolReport.DebugInfo;
import dev.meshdbg.symbols.inspect.SymbolReport.Dwp;
import dev.meshdbg.symbols.inspect.SymbolReport.Section;
import dev.meshdbg.symbols.inspect.SymbolReport.SplitDwarf;
import java.io.PrintWriter;
import java.util.StringJoiner;

/** The human-readable form of {@code symbols inspect}. */
final class InspectText {
    private static final int LIST_LIMIT = 10;

    private InspectText() {
    }

    static void print(PrintWriter out, SymbolReport r) {
        out.printf("file:          %s (%s)%n", r.file(), Sizes.human(r.sizeBytes()));
        out.printf("elf:           %s %s-endian %s %s%n", SymbolReport.ELF_CLASS, SymbolReport.ENDIANNESS, r.machine(), r.type());
        out.printf("build-id:      %s%n", r.buildId().map(BuildId::hex)
                .orElse("none (loadable code sha256 " + r.codeSha256() + ")"));
        DebugInfo d = r.debugInfo();
        if (!d.present()) {
            out.printf("debug info:    no debug info: %s%n", d.absentReason());
            return;
        }
        if (!d.decoded()) {
            out.printf("debug info:    present, not decoded: %s%n", d.notDecodedReason());
            sections(out, d);
            return;
        }
        StringJoiner versions = new StringJoiner(", ");
        d.versions().forEach((v, n) -> versions.add("DWARF " + v + " (" + n + " units)"));
        StringJoiner types = new StringJoiner(", ");
        d.unitTypes().forEach((t, n) -> types.add(t + " " + n));
        out.printf("debug info:    %s%n", versions.length() == 0 ? "no units" : versions);
        out.printf("units:         %d: %s%s%n", d.unitCount(), types,
                d.dwarf64Units() > 0 ? "; 64-bit DWARF " + d.dwarf64Units() : "");
        split(out, d.split());
        StringJoiner compressed = new StringJoiner(", ");
        for (Section s : d.compressedSections()) {
            compressed.add(s.name() + " " + s.compression() + " " + Sizes.human(s.size()) + " -> " + Sizes.human(s.uncompressedSize()));
        }
        out.printf("compressed:    %s%n", compressed.length() == 0 ? "none" : compressed);
        out.printf("accelerators:  .debug_names %s, .gdb_index %s%n", d.debugNames() ? "yes" : "no", d.gdbIndex() ? "yes" : "no");
        sections(out, d);
        out.printf("comp dirs (%d):%n", d.compDirs().size());
        d.compDirs().stream().limit(LIST_LIMIT).forEach(c -> out.printf("  %-60s %6d units%n", c.value(), c.units()));
        more(out, d.compDirs().size());
        out.printf("source prefixes (%d):%n", d.sourcePrefixes().size());
        d.sourcePrefixes().stream().limit(LIST_LIMIT).forEach(p -> out.printf("  %-60s %-17s %6d units  e.g. %s%n",
                p.prefix(), p.kind(), p.units(), p.example()));
        more(out, d.sourcePrefixes().size());
    }

    private static void split(PrintWriter out, SplitDwarf s) {
        if (s == null) {
            out.printf("split dwarf:   no%n");
            return;
        }
        Dwp p = s.dwp();
        String dwp;
        if (!p.present()) {
            dwp = "no " + p.path() + " (" + s.dwoFilesFound() + " of the .dwo files found)";
        } else if (p.error() != null) {
            dwp = p.path() + " unreadable: " + p.error();
        } else {
            dwp = p.path() + " (index v" + p.indexVersion() + ", " + p.units() + " units) covers "
                    + p.coveredSkeletons() + "/" + s.skeletonUnits();
        }
        out.printf("split dwarf:   %d skeleton units, e.g. %s; %s%n", s.skeletonUnits(),
                s.dwoNames().isEmpty() ? "-" : s.dwoNames().get(0), dwp);
    }

    private static void sections(PrintWriter out, DebugInfo d) {
        out.printf("sections:%n");
        for (Section s : d.sections()) {
            out.printf("  %-22s %14s%s%n", s.name(), Sizes.grouped(s.size()),
                    s.compression().equals("none") ? "" : "  " + s.compression() + ", " + Sizes.grouped(s.uncompressedSize()) + " decompressed");
        }
    }

    private static void more(PrintWriter out, int total) {
        if (total > LIST_LIMIT) {
            out.printf("  ... %d more (-o json lists all)%n", total - LIST_LIMIT);
        }
    }
}
