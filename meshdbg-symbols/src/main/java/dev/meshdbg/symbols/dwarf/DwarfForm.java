package dev.meshdbg.symbols.dwarf;

/**
 * Attribute forms (DWARF 2-5 and the GNU extensions) and how many bytes each takes, so that a
 * root DIE can be decoded attribute by attribute without understanding most of them.
 */
final class DwarfForm {
    static final int ADDR = 0x01;
    static final int BLOCK2 = 0x03;
    static final int BLOCK4 = 0x04;
    static final int DATA2 = 0x05;
    static final int DATA4 = 0x06;
    static final int DATA8 = 0x07;
    static final int STRING = 0x08;
    static final int BLOCK = 0x09;
    static final int BLOCK1 = 0x0a;
    static final int DATA1 = 0x0b;
    static final int FLAG = 0x0c;
    static final int SDATA = 0x0d;
    static final int STRP = 0x0e;
    static final int UDATA = 0x0f;
    static final int REF_ADDR = 0x10;
    static final int REF1 = 0x11;
    static final int REF2 = 0x12;
    static final int REF4 = 0x13;
    static final int REF8 = 0x14;
    static final int REF_UDATA = 0x15;
    static final int INDIRECT = 0x16;
    static final int SEC_OFFSET = 0x17;
    static final int EXPRLOC = 0x18;
    static final int FLAG_PRESENT = 0x19;
    static final int STRX = 0x1a;
    static final int ADDRX = 0x1b;
    static final int REF_SUP4 = 0x1c;
    static final int STRP_SUP = 0x1d;
    static final int DATA16 = 0x1e;
    static final int LINE_STRP = 0x1f;
    static final int REF_SIG8 = 0x20;
    static final int IMPLICIT_CONST = 0x21;
    static final int LOCLISTX = 0x22;
    static final int RNGLISTX = 0x23;
    static final int REF_SUP8 = 0x24;
    static final int STRX1 = 0x25;
    static final int STRX2 = 0x26;
    static final int STRX3 = 0x27;
    static final int STRX4 = 0x28;
    static final int ADDRX1 = 0x29;
    static final int ADDRX2 = 0x2a;
    static final int ADDRX3 = 0x2b;
    static final int ADDRX4 = 0x2c;
    static final int GNU_ADDR_INDEX = 0x1f01;
    static final int GNU_STR_INDEX = 0x1f02;
    static final int GNU_REF_ALT = 0x1f20;
    static final int GNU_STRP_ALT = 0x1f21;

    private DwarfForm() {
    }

    /** What a decoded attribute value refers to, for the forms that name a string. */
    enum StringKind { NONE, INLINE, STRP, LINE_STRP, STRX, SUPPLEMENTARY }

    static StringKind stringKind(int form) {
        return switch (form) {
            case STRING -> StringKind.INLINE;
            case STRP -> StringKind.STRP;
            case LINE_STRP -> StringKind.LINE_STRP;
            case STRX, STRX1, STRX2, STRX3, STRX4, GNU_STR_INDEX -> StringKind.STRX;
            case STRP_SUP, GNU_STRP_ALT -> StringKind.SUPPLEMENTARY;
            default -> StringKind.NONE;
        };
    }

    /**
     * Reads one attribute value of {@code form} and returns it as a number: constants, offsets,
     * indexes and references as themselves; blocks and inline strings are skipped (their value is 0,
     * inline strings are read by the caller through {@link StringKind#INLINE}).
     */
    static long read(DwarfCursor c, int form, UnitHeader unit, long implicitConst) {
        return switch (form) {
            case ADDR -> unit.addressSize() == 4 ? c.u32() : unit.addressSize() == 8 ? c.u64() : skipN(c, unit.addressSize());
            case DATA1, REF1, FLAG, STRX1, ADDRX1 -> c.u8();
            case DATA2, REF2, STRX2, ADDRX2 -> c.u16();
            case STRX3, ADDRX3 -> c.u24();
            case DATA4, REF4, REF_SUP4, STRX4, ADDRX4 -> c.u32();
            case DATA8, REF8, REF_SIG8, REF_SUP8 -> c.u64();
            case DATA16 -> skipN(c, 16);
            case SDATA -> c.sleb();
            case UDATA, REF_UDATA, STRX, ADDRX, LOCLISTX, RNGLISTX, GNU_ADDR_INDEX, GNU_STR_INDEX -> c.uleb();
            case STRP, LINE_STRP, SEC_OFFSET, STRP_SUP, GNU_REF_ALT, GNU_STRP_ALT -> c.offset(unit.dwarf64());
            case REF_ADDR -> unit.version() <= 2 ? skipAddress(c, unit) : c.offset(unit.dwarf64());
            case BLOCK1 -> skipN(c, c.u8());
            case BLOCK2 -> skipN(c, c.u16());
            case BLOCK4 -> skipN(c, c.u32());
            case BLOCK, EXPRLOC -> skipN(c, c.uleb());
            case FLAG_PRESENT -> 1;
            case IMPLICIT_CONST -> implicitConst;
            case STRING -> {
                c.cstring();
                yield 0;
            }
            default -> throw new DwarfFormatException("unknown attribute form 0x" + Integer.toHexString(form));
        };
    }

    private static long skipAddress(DwarfCursor c, UnitHeader unit) {
        return skipN(c, unit.addressSize());
    }

    private static long skipN(DwarfCursor c, long n) {
        c.skip(n);
        return 0;
    }
}
