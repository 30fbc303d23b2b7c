package dev.meshdbg.symbols.dwarf;

import java.util.OptionalLong;

/**
 * One unit as told by its header and root DIE. String attributes are null when the root DIE has
 * none (or when they live in a supplementary file that is not at hand).
 *
 * @param section the section the unit is in: .debug_info, .debug_types or .debug_info.dwo
 * @param name DW_AT_name: the primary source file, relative to {@code compDir} unless absolute
 * @param dwoName DW_AT_dwo_name / DW_AT_GNU_dwo_name of a skeleton unit
 * @param dwoId the DWO id linking a skeleton to its split unit, when there is one
 */
public record DwarfUnit(String section, long offset, int version, UnitType type, boolean dwarf64, int tag,
                        String name, String compDir, String producer, String dwoName, OptionalLong dwoId) {
    static final int TAG_COMPILE_UNIT = 0x11;
    static final int TAG_PARTIAL_UNIT = 0x3c;
    static final int TAG_TYPE_UNIT = 0x41;
    static final int TAG_SKELETON_UNIT = 0x4a;

    /** The primary source file as the compiler saw it: name, resolved against compDir when relative. */
    public String primarySourcePath() {
        if (name == null) {
            return null;
        }
        if (name.startsWith("/") || compDir == null || compDir.isEmpty()) {
            return name;
        }
        return compDir.endsWith("/") ? compDir + name : compDir + "/" + name;
    }

    public boolean isSkeleton() {
        return type == UnitType.SKELETON;
    }
}
