package dev.meshdbg.symbols.elf;

import dev.meshdbg.symbols.BuildId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/** Walks an ELF note area (a SHT_NOTE section or a PT_NOTE segment) looking for the GNU build-id. */
final class ElfNotes {
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int GNU = 0x00554e47; // "GNU\0" read little-endian

    private ElfNotes() {
    }

    /** The first GNU build-id note in {@code notes}; malformed notes end the walk instead of failing. */
    static Optional<BuildId> findBuildId(ByteBuffer notes, long align) {
        ByteBuffer b = notes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int step = align == 8 ? 8 : 4;
        int pos = 0;
        int limit = b.limit();
        while (limit - pos >= 12) {
            long nameSize = Integer.toUnsignedLong(b.getInt(pos));
            long descSize = Integer.toUnsignedLong(b.getInt(pos + 4));
            int type = b.getInt(pos + 8);
            long nameStart = pos + 12L;
            long descStart = nameStart + roundUp(nameSize, step);
            long next = descStart + roundUp(descSize, step);
            if (descStart + descSize > limit) {
                return Optional.empty();
            }
            if (type == NT_GNU_BUILD_ID && nameSize == 4 && b.getInt((int) nameStart) == GNU && descSize > 0) {
                byte[] desc = new byte[(int) descSize];
                b.get((int) descStart, desc);
                return Optional.of(BuildId.ofBytes(desc));
            }
            if (next <= pos || next > limit) {
                return Optional.empty();
            }
            pos = (int) next;
        }
        return Optional.empty();
    }

    private static long roundUp(long value, int step) {
        return (value + step - 1) & -step;
    }
}
