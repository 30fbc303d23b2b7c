package dev.meshdbg.symbols.dwarf;

/**
 * A unit header from .debug_info (or v4 .debug_types).
 *
 * @param offset where the unit starts in its section
 * @param end where the next unit starts
 * @param dieOffset where the root DIE starts
 * @param dwoId the DWO id of a v5 skeleton or split unit (0 when the header carries none)
 */
record UnitHeader(long offset, long end, int version, UnitType type, boolean dwarf64, long abbrevOffset,
                  int addressSize, long dwoId, long typeSignature, long dieOffset) {

    /** Reads the header at the cursor; afterwards the cursor is at the root DIE. */
    static UnitHeader read(DwarfCursor c, boolean typesSection) {
        long offset = c.position();
        long length = c.u32();
        boolean dwarf64 = false;
        if (length == 0xffffffffL) {
            dwarf64 = true;
            length = c.u64();
        } else if (length >= 0xfffffff0L) {
            throw new DwarfFormatException("reserved unit length 0x" + Long.toHexString(length) + " at offset " + offset);
        }
        if (length < 0 || length > c.remaining()) {
            throw new DwarfFormatException("unit at offset " + offset + " claims " + Long.toUnsignedString(length)
                    + " bytes, past the end of the section");
        }
        long end = c.position() + length;
        int version = c.u16();
        if (version < 2 || version > 5) {
            throw new DwarfFormatException("unit at offset " + offset + " has unsupported DWARF version " + version);
        }
        UnitType type = typesSection ? UnitType.TYPE : UnitType.COMPILE;
        long abbrev;
        int addressSize;
        long dwoId = 0;
        long signature = 0;
        if (version >= 5) {
            type = UnitType.ofCode(c.u8());
            addressSize = c.u8();
            abbrev = c.offset(dwarf64);
            switch (type) {
                case SKELETON, SPLIT_COMPILE -> dwoId = c.u64();
                case TYPE, SPLIT_TYPE -> {
                    signature = c.u64();
                    c.offset(dwarf64);
                }
                default -> {
                }
            }
        } else {
            abbrev = c.offset(dwarf64);
            addressSize = c.u8();
            if (typesSection) {
                signature = c.u64();
                c.offset(dwarf64);
            }
        }
        if (addressSize != 1 && addressSize != 2 && addressSize != 4 && addressSize != 8) {
            throw new DwarfFormatException("unit at offset " + offset + " has invalid address size " + addressSize);
        }
        if (c.position() > end) {
            throw new DwarfFormatException("unit at offset " + offset + " is shorter than its header");
        }
        return new UnitHeader(offset, end, version, type, dwarf64, abbrev, addressSize, dwoId, signature, c.position());
    }

    UnitHeader withType(UnitType newType, long newDwoId) {
        return new UnitHeader(offset, end, version, newType, dwarf64, abbrevOffset, addressSize, newDwoId,
                typeSignature, dieOffset);
    }
}
