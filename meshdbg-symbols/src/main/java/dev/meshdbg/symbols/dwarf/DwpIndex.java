package dev.meshdbg.symbols.dwarf;

import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unit index of a DWARF package (.dwp): .debug_cu_index, in the GNU version 2 layout (DWARF 4
 * fission) or the DWARF 5 layout. It says which DWO ids the package holds and where each unit's
 * pieces (info, abbreviations, string offsets) are, so a skeleton can be matched to its split unit.
 */
public final class DwpIndex {
    static final int SECT_INFO = 1;
    static final int SECT_ABBREV = 3;
    static final int SECT_STR_OFFSETS = 6;

    /** One unit of the package: its DWO id and, per section kind, the offset of its contribution. */
    record Row(long dwoId, Map<Integer, Long> offsets, Map<Integer, Long> sizes) {
        long offset(int sect) {
            return offsets.getOrDefault(sect, 0L);
        }
    }

    private final int version;
    private final Map<Long, Row> rows;

    private DwpIndex(int version, Map<Long, Row> rows) {
        this.version = version;
        this.rows = rows;
    }

    /** The compile-unit index of {@code dwp}; an empty index when the file has none. Corrupt tables are bad input. */
    public static DwpIndex read(ElfFile dwp) {
        ByteBuffer section = dwp.section(".debug_cu_index").orElse(null);
        if (section == null) {
            return new DwpIndex(0, Map.of());
        }
        return DwarfScanner.guarded(dwp.path().toString(), () -> parse(new DwarfCursor(section, ".debug_cu_index")));
    }

    private static DwpIndex parse(DwarfCursor c) {
        int version = (int) c.u32();
        if (version != 2) {
            c.seek(0);
            version = c.u16();
            c.u16();
            if (version != 5) {
                throw new DwarfFormatException(".debug_cu_index has unknown version " + version);
            }
        }
        long columns = c.u32();
        long units = c.u32();
        long slots = c.u32();
        // Signatures (8) + row numbers (4) per slot, then a header row and two tables of 4 bytes per cell.
        long need = slots * 12 + columns * 4 + 2 * units * columns * 4;
        if (columns > 64 || slots > c.remaining() || units > c.remaining() || need > c.remaining()) {
            throw new DwarfFormatException(".debug_cu_index claims " + units + " units and " + slots
                    + " slots, more than its " + c.limit() + " bytes hold");
        }
        int base = c.position();
        int rowsAt = base + (int) slots * 8;
        int headerAt = rowsAt + (int) slots * 4;
        int offsetsAt = headerAt + (int) columns * 4;
        int sizesAt = offsetsAt + (int) (units * columns * 4);
        int[] kinds = new int[(int) columns];
        for (int k = 0; k < columns; k++) {
            kinds[k] = (int) c.seek(headerAt + 4L * k).u32();
        }
        Map<Long, Row> rows = new HashMap<>();
        for (int s = 0; s < slots; s++) {
            long signature = c.seek(base + 8L * s).u64();
            long row = c.seek(rowsAt + 4L * s).u32();
            if (row == 0) {
                continue;
            }
            if (row > units) {
                throw new DwarfFormatException(".debug_cu_index slot " + s + " points to row " + row + " of " + units);
            }
            Map<Integer, Long> offsets = new HashMap<>();
            Map<Integer, Long> sizes = new HashMap<>();
            for (int k = 0; k < columns; k++) {
                long cell = ((row - 1) * columns + k) * 4;
                offsets.put(kinds[k], c.seek(offsetsAt + cell).u32());
                sizes.put(kinds[k], c.seek(sizesAt + cell).u32());
            }
            rows.put(signature, new Row(signature, Map.copyOf(offsets), Map.copyOf(sizes)));
        }
        return new DwpIndex(version, Map.copyOf(rows));
    }

    /** 2 (GNU, DWARF 4), 5, or 0 when the file has no .debug_cu_index. */
    public int version() {
        return version;
    }

    public Set<Long> dwoIds() {
        return rows.keySet();
    }

    public boolean covers(long dwoId) {
        return rows.containsKey(dwoId);
    }

    public int unitCount() {
        return rows.size();
    }

    /**
     * The split compile units of the package, their root DIEs decoded (names and the like),
     * found through the index rather than by walking .debug_info.dwo.
     */
    public List<DwarfUnit> splitUnits(ElfFile dwp) {
        ByteBuffer info = dwp.section(".debug_info.dwo").orElse(null);
        if (info == null || rows.isEmpty()) {
            return List.of();
        }
        return DwarfScanner.guarded(dwp.path().toString(), () -> {
            StringTables strings = new StringTables(dwp.section(".debug_str.dwo").orElse(null), null,
                    dwp.section(".debug_str_offsets.dwo").orElse(null), ".dwo");
            Abbreviations abbrevs = new Abbreviations(dwp.section(".debug_abbrev.dwo").orElse(ByteBuffer.allocate(0)),
                    ".debug_abbrev.dwo");
            RootDieDecoder decoder = new RootDieDecoder(abbrevs, strings, ".debug_info.dwo", true);
            List<UnitHeader> headers = new ArrayList<>();
            Map<Long, Row> byOffset = new HashMap<>();
            for (Row row : rows.values()) {
                DwarfCursor c = new DwarfCursor(info, ".debug_info.dwo").seek(row.offset(SECT_INFO));
                UnitHeader h = UnitHeader.read(c, false);
                if (h.version() < 5) {
                    h = h.withType(UnitType.SPLIT_COMPILE, row.dwoId());
                }
                headers.add(h);
                byOffset.put(h.offset(), row);
            }
            headers.sort(java.util.Comparator.comparingLong(UnitHeader::offset));
            return DwarfScanner.decodeAll(info, ".debug_info.dwo", headers, (c, h) -> {
                Row row = byOffset.get(h.offset());
                long strBase = row.offset(SECT_STR_OFFSETS) + (h.version() >= 5 ? (h.dwarf64() ? 16 : 8) : 0);
                return decoder.decode(c, h, row.offset(SECT_ABBREV), strBase);
            });
        });
    }
}
