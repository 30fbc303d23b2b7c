package dev.meshdbg.symbols.dwarf;

import java.nio.ByteBuffer;

/**
 * The string sections a root DIE can point into: .debug_str (DW_FORM_strp, and through
 * .debug_str_offsets for DW_FORM_strx*) and .debug_line_str (DW_FORM_line_strp). Any may be absent.
 */
final class StringTables {
    private final ByteBuffer str;
    private final ByteBuffer lineStr;
    private final ByteBuffer strOffsets;
    private final String suffix;

    /** @param suffix "" for a program's sections, ".dwo" for a split file's */
    StringTables(ByteBuffer str, ByteBuffer lineStr, ByteBuffer strOffsets, String suffix) {
        this.str = str;
        this.lineStr = lineStr;
        this.strOffsets = strOffsets;
        this.suffix = suffix;
    }

    String strp(long offset) {
        return DwarfCursor.stringAt(require(str, ".debug_str"), offset, ".debug_str" + suffix);
    }

    String lineStrp(long offset) {
        return DwarfCursor.stringAt(require(lineStr, ".debug_line_str"), offset, ".debug_line_str" + suffix);
    }

    /** DW_FORM_strx: entry {@code index} of the unit's contribution to .debug_str_offsets, starting at {@code base}. */
    String strx(long index, long base, boolean dwarf64) {
        ByteBuffer offsets = require(strOffsets, ".debug_str_offsets");
        int size = dwarf64 ? 8 : 4;
        if (index < 0 || base < 0 || index > (Integer.MAX_VALUE - base) / size) {
            throw new DwarfFormatException("string index " + index + " is outside .debug_str_offsets" + suffix);
        }
        DwarfCursor c = new DwarfCursor(offsets, ".debug_str_offsets" + suffix).seek(base + index * size);
        return strp(c.offset(dwarf64));
    }

    private ByteBuffer require(ByteBuffer b, String name) {
        if (b == null) {
            throw new DwarfFormatException("a string refers to " + name + suffix + ", which the file does not have");
        }
        return b;
    }
}
