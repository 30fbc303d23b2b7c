package dev.meshdbg.symbols.dwarf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian reader over part of a DWARF section. Every read checks the
 * limit first, so corrupt lengths and offsets become a {@link DwarfFormatException}, never an
 * index exception or a huge allocation. Not thread-safe: one cursor per thread.
 */
final class DwarfCursor {
    private final SectionBytes bytes;
    private final String section;
    private long pos;
    private long limit;
    private long pageIndex = -1;
    private byte[] page;

    DwarfCursor(SectionBytes bytes, String section) {
        this.bytes = bytes;
        this.section = section;
        this.limit = bytes.size();
    }

    DwarfCursor(ByteBuffer buf, String section) {
        this(SectionBytes.of(buf), section);
    }

    long position() {
        return pos;
    }

    long limit() {
        return limit;
    }

    DwarfCursor seek(long offset) {
        if (offset < 0 || offset > limit) {
            throw new DwarfFormatException("offset " + offset + " is outside " + section + " (" + limit + " bytes)");
        }
        pos = offset;
        return this;
    }

    /** Narrows reads to end at {@code end} (a unit's end), which must lie within the current limit. */
    void limitTo(long end) {
        if (end < pos || end > limit) {
            throw new DwarfFormatException("length runs past the end of " + section);
        }
        limit = end;
    }

    long remaining() {
        return limit - pos;
    }

    private void need(long n) {
        if (n < 0 || n > limit - pos) {
            throw new DwarfFormatException("unexpected end of " + section + " at offset " + pos);
        }
    }

    /** The byte at an absolute position known to be within the limit. */
    private int at(long p) {
        long index = p >>> SectionBytes.PAGE_SHIFT;
        if (index != pageIndex) {
            page = bytes.page(index);
            pageIndex = index;
        }
        return page[(int) (p & (SectionBytes.PAGE - 1))] & 0xff;
    }

    private long little(int n) {
        need(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) at(pos + i) << (8 * i);
        }
        pos += n;
        return v;
    }

    int u8() {
        return (int) little(1);
    }

    int u16() {
        return (int) little(2);
    }

    int u24() {
        return (int) little(3);
    }

    long u32() {
        return little(4);
    }

    long u64() {
        return little(8);
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
        pos += n;
    }

    /** A NUL-terminated UTF-8 string at the cursor. */
    String cstring() {
        long end = pos;
        while (end < limit && at(end) != 0) {
            end++;
        }
        if (end >= limit) {
            throw new DwarfFormatException("unterminated string in " + section + " at offset " + pos);
        }
        if (end - pos > Integer.MAX_VALUE - 16) {
            throw new DwarfFormatException("string too long in " + section + " at offset " + pos);
        }
        byte[] raw = new byte[(int) (end - pos)];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) at(pos + i);
        }
        pos = end + 1;
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated string at an absolute offset of a string section. */
    static String stringAt(SectionBytes strings, long offset, String section) {
        if (offset < 0 || offset >= strings.size()) {
            throw new DwarfFormatException("string offset " + offset + " is outside " + section + " (" + strings.size() + " bytes)");
        }
        return new DwarfCursor(strings, section).seek(offset).cstring();
    }
}
