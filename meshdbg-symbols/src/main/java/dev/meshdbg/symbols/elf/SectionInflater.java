package dev.meshdbg.symbols.elf;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfSection.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses SHF_COMPRESSED (and legacy .zdebug) zlib sections. The output grows with the data
 * actually inflated, so a lying size field in a corrupt file cannot make us allocate gigabytes.
 */
final class SectionInflater {
    /** Deflate cannot expand beyond about 1032:1; a header claiming more is corrupt. */
    private static final long MAX_RATIO = 1100;
    private static final int HEADER_ELF = 24;
    private static final int HEADER_ZDEBUG = 12;

    private SectionInflater() {
    }

    static ByteBuffer inflate(String file, ElfSection section, ByteBuffer raw) {
        if (section.compression() == Compression.ZSTD) {
            throw MeshdbgException.badInput("section " + section.name() + " of " + file
                    + " is zstd-compressed, which meshdbg does not decode; run objcopy --decompress-debug-sections on a copy");
        }
        if (section.compression() != Compression.ZLIB) {
            throw MeshdbgException.badInput("section " + section.name() + " of " + file + " uses an unknown compression type");
        }
        int header = section.name().startsWith(".zdebug") && (section.flags() & ElfSection.SHF_COMPRESSED) == 0
                ? HEADER_ZDEBUG : HEADER_ELF;
        long expected = section.uncompressedSize();
        long compressed = raw.limit() - header;
        if (expected < 0 || expected > Integer.MAX_VALUE - 16 || expected > compressed * MAX_RATIO + 4096) {
            throw corrupt(file, section, "its header claims " + Long.toUnsignedString(expected) + " bytes uncompressed");
        }
        byte[] out = new byte[(int) Math.min(expected, 1 << 20)];
        int produced = 0;
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(raw.duplicate().position(header));
            while (!inflater.finished()) {
                if (produced == out.length) {
                    if (produced >= expected) {
                        throw corrupt(file, section, "it inflates to more than the " + expected + " bytes its header states");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(expected, (long) out.length * 2));
                }
                int n = inflater.inflate(out, produced, out.length - produced);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw corrupt(file, section, "the zlib stream ends early");
                }
                produced += n;
            }
        } catch (DataFormatException e) {
            throw corrupt(file, section, "the zlib stream is invalid (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        if (produced != expected) {
            throw corrupt(file, section, "it inflates to " + produced + " bytes, its header states " + expected);
        }
        return ByteBuffer.wrap(out, 0, produced).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static MeshdbgException corrupt(String file, ElfSection section, String why) {
        return MeshdbgException.badInput("compressed section " + section.name() + " of " + file + " is corrupt: " + why);
    }
}
