package dev.meshdbg.symbols.dwarf;

import java.util.Locale;

/** What a unit holds: DW_UT_* in DWARF 5, inferred from section and root tag before. */
public enum UnitType {
    COMPILE, TYPE, PARTIAL, SKELETON, SPLIT_COMPILE, SPLIT_TYPE;

    static UnitType ofCode(int code) {
        return switch (code) {
            case 0x01 -> COMPILE;
            case 0x02 -> TYPE;
            case 0x03 -> PARTIAL;
            case 0x04 -> SKELETON;
            case 0x05 -> SPLIT_COMPILE;
            case 0x06 -> SPLIT_TYPE;
            default -> throw new DwarfFormatException("unknown unit type 0x" + Integer.toHexString(code));
        };
    }

    /** The JSON spelling: "compile", "split_compile", ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
