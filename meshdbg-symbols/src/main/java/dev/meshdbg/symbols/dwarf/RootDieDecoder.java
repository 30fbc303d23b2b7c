package dev.meshdbg.symbols.dwarf;

import java.util.OptionalLong;

/**
 * Decodes only the root DIE of a unit: the attributes that say what the unit is and where its
 * sources were compiled. Children are never read, which is what makes a 1 GB .debug_info cheap.
 */
final class RootDieDecoder {
    static final int AT_NAME = 0x03;
    static final int AT_COMP_DIR = 0x1b;
    static final int AT_PRODUCER = 0x25;
    static final int AT_STR_OFFSETS_BASE = 0x72;
    static final int AT_DWO_NAME = 0x76;
    static final int AT_GNU_DWO_NAME = 0x2130;
    static final int AT_GNU_DWO_ID = 0x2131;
    private static final int MAX_INDIRECTION = 4;

    private final Abbreviations abbreviations;
    private final StringTables strings;
    private final String section;
    private final boolean split;

    /** @param split true for units of a .dwo/.dwp, whose string offsets start after a header by default */
    RootDieDecoder(Abbreviations abbreviations, StringTables strings, String section, boolean split) {
        this.abbreviations = abbreviations;
        this.strings = strings;
        this.section = section;
        this.split = split;
    }

    /**
     * @param abbrevBase added to the header's abbreviation offset (a .dwp contribution), else 0
     * @param strOffsetsBase the unit's .debug_str_offsets base when the DIE does not say, or -1 for the DWARF default
     */
    DwarfUnit decode(DwarfCursor c, UnitHeader h, long abbrevBase, long strOffsetsBase) {
        c.seek(h.dieOffset());
        long code = c.uleb();
        if (code == 0) {
            return unit(h, 0, null, null, null, null, OptionalLong.empty());
        }
        Abbreviations.Abbrev a = abbreviations.find(h.abbrevOffset() + abbrevBase, code);
        // String forms are kept as (form, value) and resolved at the end: DW_AT_str_offsets_base may follow them.
        int[] forms = new int[4];
        long[] values = new long[4];
        String[] inline = new String[4];
        long dwoId = 0;
        boolean hasDwoId = false;
        long strBase = strOffsetsBase;
        for (int i = 0; i < a.names().length; i++) {
            int name = a.names()[i];
            int form = a.forms()[i];
            for (int hops = 0; form == DwarfForm.INDIRECT; hops++) {
                if (hops == MAX_INDIRECTION) {
                    throw new DwarfFormatException("too many DW_FORM_indirect in a row");
                }
                form = (int) Math.min(c.uleb(), Integer.MAX_VALUE);
            }
            int slot = slot(name);
            if (slot >= 0 && form == DwarfForm.STRING) {
                forms[slot] = form;
                inline[slot] = c.cstring();
                continue;
            }
            long value = DwarfForm.read(c, form, h, a.implicitConsts()[i]);
            if (slot >= 0) {
                forms[slot] = form;
                values[slot] = value;
            } else if (name == AT_STR_OFFSETS_BASE) {
                strBase = value;
            } else if (name == AT_GNU_DWO_ID) {
                dwoId = value;
                hasDwoId = true;
            }
        }
        if (strBase < 0) {
            strBase = split && h.version() >= 5 ? (h.dwarf64() ? 16 : 8) : 0;
        }
        String[] text = new String[4];
        for (int s = 0; s < 4; s++) {
            text[s] = forms[s] == DwarfForm.STRING ? inline[s] : string(forms[s], values[s], strBase, h);
        }
        UnitType type = h.type();
        if (a.tag() == DwarfUnit.TAG_PARTIAL_UNIT && h.version() < 5) {
            type = UnitType.PARTIAL;
        }
        OptionalLong id = OptionalLong.empty();
        if (h.type() == UnitType.SKELETON || h.type() == UnitType.SPLIT_COMPILE) {
            id = OptionalLong.of(h.dwoId());
        } else if (hasDwoId) {
            id = OptionalLong.of(dwoId);
            if (text[3] != null && type == UnitType.COMPILE) {
                type = UnitType.SKELETON; // DWARF 4 GNU split DWARF: a compile unit naming its .dwo
            }
        }
        return new DwarfUnit(section, h.offset(), h.version(), type, h.dwarf64(), a.tag(), text[0], text[1], text[2],
                text[3], id);
    }

    private DwarfUnit unit(UnitHeader h, int tag, String name, String dir, String producer, String dwo, OptionalLong id) {
        return new DwarfUnit(section, h.offset(), h.version(), h.type(), h.dwarf64(), tag, name, dir, producer, dwo, id);
    }

    /** Which of the four kept strings an attribute is: name, comp_dir, producer, dwo name; -1 for others. */
    private static int slot(int attribute) {
        return switch (attribute) {
            case AT_NAME -> 0;
            case AT_COMP_DIR -> 1;
            case AT_PRODUCER -> 2;
            case AT_DWO_NAME, AT_GNU_DWO_NAME -> 3;
            default -> -1;
        };
    }

    private String string(int form, long value, long strBase, UnitHeader h) {
        return switch (DwarfForm.stringKind(form)) {
            case STRP -> strings.strp(value);
            case LINE_STRP -> strings.lineStrp(value);
            case STRX -> strings.strx(value, strBase, h.dwarf64());
            default -> null; // absent, a supplementary (dwz) file, or not a string form
        };
    }
}
