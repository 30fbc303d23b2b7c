package dev.meshdbg.agent.stacks;

import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.elf.ElfSection;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A module's {@code .eh_frame} unwind tables, found through the sorted search table of
 * {@code .eh_frame_hdr} (binary search; nothing is read up front but the two sections' mappings,
 * so a 1 GB Envoy costs nothing to prepare). Addresses are the module's own (ELF virtual addresses).
 */
final class EhFrame {
    private static final int TABLE_DATAREL_SDATA4 = 0x3b;

    private final ByteBuffer frames;
    private final long framesAddress;
    private final ByteBuffer hdr;
    private final long hdrAddress;
    private final int tableStart;
    private final int count;
    private final Map<Integer, Cie> cies = new HashMap<>();

    private record Cie(long codeAlign, long dataAlign, int returnRegister, int fdeEncoding, boolean augmented,
                       int instructionsStart, int end) {
    }

    private EhFrame(ByteBuffer frames, long framesAddress, ByteBuffer hdr, long hdrAddress, int tableStart, int count) {
        this.frames = frames;
        this.framesAddress = framesAddress;
        this.hdr = hdr;
        this.hdrAddress = hdrAddress;
        this.tableStart = tableStart;
        this.count = count;
    }

    /** Empty when the module has no {@code .eh_frame_hdr} search table of the usual encoding. */
    static Optional<EhFrame> of(ElfFile elf) {
        Optional<ElfSection> frameHeader = elf.sectionHeader(".eh_frame");
        Optional<ElfSection> hdrHeader = elf.sectionHeader(".eh_frame_hdr");
        if (frameHeader.isEmpty() || hdrHeader.isEmpty() || !frameHeader.get().hasFileBytes()
                || !hdrHeader.get().hasFileBytes()) {
            return Optional.empty();
        }
        ByteBuffer hdr = elf.contents(hdrHeader.get());
        long hdrAddress = hdrHeader.get().address();
        CfiReader r = new CfiReader(hdr, hdrAddress, hdrAddress, 0);
        if (r.u8() != 1) {
            return Optional.empty();
        }
        int framePtrEncoding = r.u8();
        int countEncoding = r.u8();
        int tableEncoding = r.u8();
        if (tableEncoding != TABLE_DATAREL_SDATA4 || countEncoding == CfiReader.OMIT) {
            return Optional.empty();
        }
        r.pointer(framePtrEncoding);
        long count = r.pointer(countEncoding);
        return Optional.of(new EhFrame(elf.contents(frameHeader.get()), frameHeader.get().address(), hdr, hdrAddress,
                r.pos, (int) count));
    }

    /** The unwind row in effect at {@code address}, or empty when no FDE covers it. */
    synchronized Optional<CfaRow> rowAt(long address) {
        int fde = findFde(address);
        if (fde < 0) {
            return Optional.empty();
        }
        CfiReader r = new CfiReader(frames, framesAddress, 0, fde);
        long length = r.u32();
        if (length == 0xffffffffL) {
            return Optional.empty(); // 64-bit DWARF: not produced for x86-64 .eh_frame
        }
        int idPos = r.pos;
        int end = (int) (idPos + length);
        long ciePointer = r.u32();
        Cie cie = cie((int) (idPos - ciePointer));
        long begin = r.pointer(cie.fdeEncoding);
        long range = r.pointer(cie.fdeEncoding & 0x0f);
        if (Long.compareUnsigned(address - begin, range) >= 0) {
            return Optional.empty();
        }
        if (cie.augmented) {
            long skip = r.uleb();
            r.pos += (int) skip;
        }
        CfaRow initial = new CfaRow();
        execute(new CfiReader(frames, framesAddress, 0, cie.instructionsStart), cie.end, cie, initial, null, Long.MAX_VALUE, 0);
        CfaRow row = initial.copy();
        execute(r, end, cie, row, initial, address, begin);
        return Optional.of(row);
    }

    /** Binary search of the header's table for the last entry starting at or below {@code address}. */
    private int findFde(long address) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long start = hdrAddress + hdr.getInt(tableStart + mid * 8);
            if (Long.compareUnsigned(start, address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return -1;
        }
        long fdeAddress = hdrAddress + hdr.getInt(tableStart + found * 8 + 4);
        return (int) (fdeAddress - framesAddress);
    }

    private Cie cie(int offset) {
        return cies.computeIfAbsent(offset, o -> {
            CfiReader r = new CfiReader(frames, framesAddress, 0, o);
            long length = r.u32();
            int end = (int) (r.pos + length);
            r.u32(); // CIE id, 0
            int version = r.u8();
            String augmentation = r.cString();
            long codeAlign = r.uleb();
            long dataAlign = r.sleb();
            int returnRegister = version == 1 ? r.u8() : (int) r.uleb();
            int fdeEncoding = 0;
            boolean augmented = augmentation.startsWith("z");
            if (augmented) {
                long augLength = r.uleb();
                int augEnd = (int) (r.pos + augLength);
                for (int i = 1; i < augmentation.length(); i++) {
                    switch (augmentation.charAt(i)) {
                        case 'R' -> fdeEncoding = r.u8();
                        case 'L' -> r.u8();
                        case 'P' -> r.pointer(r.u8() & 0x7f);
                        default -> { } // 'S' (signal frame), 'B': no data
                    }
                }
                r.pos = augEnd;
            }
            return new Cie(codeAlign, dataAlign, returnRegister, fdeEncoding, augmented, r.pos, end);
        });
    }

    /** Runs call-frame instructions until the location passes {@code target}. */
    private static void execute(CfiReader r, int end, Cie cie, CfaRow row, CfaRow initial, long target, long start) {
        long location = start;
        Deque<CfaRow> remembered = new ArrayDeque<>();
        while (r.pos < end) {
            int op = r.u8();
            int high = op & 0xc0;
            int low = op & 0x3f;
            if (high == 0x40) {
                location += low * cie.codeAlign;
                if (Long.compareUnsigned(location, target) > 0) {
                    return;
                }
                continue;
            }
            if (high == 0x80) {
                row.set(low, CfaRow.Rule.OFFSET, r.uleb() * cie.dataAlign);
                continue;
            }
            if (high == 0xc0) {
                if (initial != null) {
                    row.restore(low, initial);
                }
                continue;
            }
            long advance = -1;
            switch (op) {
                case 0x00 -> { } // nop
                case 0x01 -> location = r.pointer(cie.fdeEncoding);
                case 0x02 -> advance = r.u8();
                case 0x03 -> advance = r.u16();
                case 0x04 -> advance = r.u32();
                case 0x05 -> row.set(r.uleb(), CfaRow.Rule.OFFSET, r.uleb() * cie.dataAlign);
                case 0x06 -> {
                    long reg = r.uleb();
                    if (initial != null) {
                        row.restore(reg, initial);
                    }
                }
                case 0x07 -> row.set(r.uleb(), CfaRow.Rule.UNDEFINED, 0);
                case 0x08 -> row.set(r.uleb(), CfaRow.Rule.SAME, 0);
                case 0x09 -> row.set(r.uleb(), CfaRow.Rule.REGISTER, r.uleb());
                case 0x0a -> remembered.push(row.copy());
                case 0x0b -> {
                    if (!remembered.isEmpty()) {
                        CfaRow saved = remembered.pop();
                        System.arraycopy(saved.rules, 0, row.rules, 0, CfaRow.COUNT);
                        System.arraycopy(saved.values, 0, row.values, 0, CfaRow.COUNT);
                        row.cfaRegister = saved.cfaRegister;
                        row.cfaOffset = saved.cfaOffset;
                        row.cfaUnsupported = saved.cfaUnsupported;
                    }
                }
                case 0x0c -> {
                    row.cfaRegister = (int) r.uleb();
                    row.cfaOffset = r.uleb();
                    row.cfaUnsupported = false;
                }
                case 0x0d -> row.cfaRegister = (int) r.uleb();
                case 0x0e -> row.cfaOffset = r.uleb();
                case 0x0f -> {
                    r.pos += (int) r.uleb();
                    row.cfaUnsupported = true;
                }
                case 0x10, 0x16 -> {
                    long reg = r.uleb();
                    r.pos += (int) r.uleb();
                    row.set(reg, CfaRow.Rule.UNSUPPORTED, 0);
                }
                case 0x11 -> row.set(r.uleb(), CfaRow.Rule.OFFSET, r.sleb() * cie.dataAlign);
                case 0x12 -> {
                    row.cfaRegister = (int) r.uleb();
                    row.cfaOffset = r.sleb() * cie.dataAlign;
                    row.cfaUnsupported = false;
                }
                case 0x13 -> row.cfaOffset = r.sleb() * cie.dataAlign;
                case 0x14 -> row.set(r.uleb(), CfaRow.Rule.VAL_OFFSET, r.uleb() * cie.dataAlign);
                case 0x15 -> row.set(r.uleb(), CfaRow.Rule.VAL_OFFSET, r.sleb() * cie.dataAlign);
                case 0x2e -> r.uleb(); // GNU_args_size
                case 0x2f -> row.set(r.uleb(), CfaRow.Rule.OFFSET, -r.uleb() * cie.dataAlign);
                default -> {
                    row.cfaUnsupported = true; // an instruction we do not know: its operands cannot be skipped
                    return;
                }
            }
            if (advance >= 0) {
                location += advance * cie.codeAlign;
                if (Long.compareUnsigned(location, target) > 0) {
                    return;
                }
            }
        }
    }
}
