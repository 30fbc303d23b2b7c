package dev.meshdbg.agent.stacks;

import java.nio.ByteBuffer;

/** Reads the primitive encodings of call-frame information: LEB128 and the {@code DW_EH_PE_*} pointers. */
final class CfiReader {
    static final int OMIT = 0xff;

    private final ByteBuffer buf;
    /** The address of byte 0 of {@code buf} in the module, for pc-relative pointers. */
    private final long address;
    /** The base of data-relative pointers ({@code .eh_frame_hdr}'s own address there). */
    private final long dataBase;
    int pos;

    CfiReader(ByteBuffer buf, long address, long dataBase, int pos) {
        this.buf = buf;
        this.address = address;
        this.dataBase = dataBase;
        this.pos = pos;
    }

    int u8() {
        return buf.get(pos++) & 0xff;
    }

    int u16() {
        int v = buf.getShort(pos) & 0xffff;
        pos += 2;
        return v;
    }

    long u32() {
        long v = buf.getInt(pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() {
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
        } while ((b & 0x80) != 0);
        return result;
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
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    String cString() {
        StringBuilder s = new StringBuilder();
        for (int c = u8(); c != 0; c = u8()) {
            s.append((char) c);
        }
        return s.toString();
    }

    /** A {@code DW_EH_PE_*} encoded pointer; indirect pointers are not followed (the value is returned as read). */
    long pointer(int encoding) {
        if (encoding == OMIT) {
            return 0;
        }
        long here = address + pos;
        long value = switch (encoding & 0x0f) {
            case 0x00 -> u64();
            case 0x01 -> uleb();
            case 0x02 -> u16();
            case 0x03 -> u32();
            case 0x04 -> u64();
            case 0x09 -> sleb();
            case 0x0a -> (short) u16();
            case 0x0b -> (int) u32();
            case 0x0c -> u64();
            default -> throw new IllegalArgumentException("unknown pointer encoding 0x" + Integer.toHexString(encoding));
        };
        return switch (encoding & 0x70) {
            case 0x00 -> value;
            case 0x10 -> here + value;
            case 0x30 -> dataBase + value;
            default -> throw new IllegalArgumentException("unsupported pointer application 0x" + Integer.toHexString(encoding));
        };
    }
}
