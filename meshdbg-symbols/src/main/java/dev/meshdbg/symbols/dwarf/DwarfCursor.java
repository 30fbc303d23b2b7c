package dev.meshdbg.symbols.dwarf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian reader over part of a DWARF section. Every read checks the
 * limit first, so corrupt lengths and offsets become a {@link DwarfFormatException}, never an
 * index exception or a huge allocation.
 */
final class DwarfCursor {
    private final ByteBuffer buf;
    private final String section;
    private int pos;
    private int limit;

    DwarfCursor(ByteBuffer buf, String section) {
        this.buf = buf.order() == ByteOrder.LITTLE_ENDIAN ? buf : buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.section = section;
        this.limit = buf.limit();
    }

    int position() {
        return pos;
    }

    int limit() {
        return limit;
    }

    DwarfCursor seek(long offset) {
        if (offset < 0 || offset > limit) {
            throw new DwarfFormatException("offset " + offset + " is outside " + section + " (" + limit + " bytes)");
        }
        pos = (int) offset;
        return this;
    }

    /** Narrows reads to end at {@code end} (a unit's end), which must lie within the current limit. */
    void limitTo(long end) {
        if (end < pos || end > limit) {
            throw new DwarfFormatException("length runs past the end of " + section);
        }
        limit = (int) end;
    }

    boolean hasRemaining() {
        return pos < limit;
    }

    int remaining() {
        return limit - pos;
    }

    private void need(long n) {
        if (n < 0 || n > limit - pos) {
            throw new DwarfFormatException("unexpected end of " + section + " at offset " + pos);
        }
    }

    int u8() {
        need(1);
        return Byte.toUnsignedInt(buf.get(pos++));
    }

    int u16() {
        need(2);
        int v = Short.toUnsignedInt(buf.getShort(pos));
        pos += 2;
        return v;
    }

    int u24() {
        need(3);
        int v = Byte.toUnsignedInt(buf.get(pos)) | Byte.toUnsignedInt(buf.get(pos + 1)) << 8
                | Byte.toUnsignedInt(buf.get(pos + 2)) << 16;
        pos += 3;
        return v;
    }

    long u32() {
        need(4);
        long v = Integer.toUnsignedLong(buf.getInt(pos));
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
    long offset(boolean dwarf64) {
        return dwarf64 ? u64() : u32();
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            int b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
            if (shift > 70) {
                throw new DwarfFormatException("LEB128 number too long in " + section + " at offset " + pos);
            }
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if (shift > 70) {
                throw new DwarfFormatException("LEB128 number too long in " + section + " at offset " + pos);
            }
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    void skip(long n) {
        need(n);
        pos += (int) n;
    }

    /** A NUL-terminated UTF-8 string at the cursor. */
    String cstring() {
        int end = pos;
        while (end < limit && buf.get(end) != 0) {
            end++;
        }
        if (end >= limit) {
            throw new DwarfFormatException("unterminated string in " + section + " at offset " + pos);
        }
        String s = decode(pos, end);
        pos = end + 1;
        return s;
    }

    /** A NUL-terminated string at an absolute offset of a string section. */
    static String stringAt(ByteBuffer strings, long offset, String section) {
        if (offset < 0 || offset >= strings.limit()) {
            throw new DwarfFormatException("string offset " + offset + " is outside " + section + " (" + strings.limit() + " bytes)");
        }
        DwarfCursor c = new DwarfCursor(strings, section);
        c.pos = (int) offset;
        return c.cstring();
    }

    private String decode(int from, int to) {
        byte[] raw = new byte[to - from];
        buf.get(from, raw);
        return new String(raw, StandardCharsets.UTF_8);
    }
}
