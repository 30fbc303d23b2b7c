package dev.meshdbg.symbols.elf;

/**
 * One entry of the section header table, with its name resolved.
 *
 * @param compression how the bytes are stored; {@link Compression#NONE} for plain sections
 * @param uncompressedSize the size after decompression (equal to {@code size} when not compressed)
 */
public record ElfSection(int index, String name, int type, long flags, long address, long offset, long size,
                         int link, int info, long addressAlign, Compression compression, long uncompressedSize) {
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_COMPRESSED = 0x800;

    /** How a section's bytes are stored in the file. */
    public enum Compression {
        NONE, ZLIB, ZSTD,
        /** Compressed with an algorithm this reader does not know. */
        UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True when the section occupies bytes in the file (not SHT_NOBITS, e.g. .bss or a stripped-out .debug_info). */
    public boolean hasFileBytes() {
        return type != SHT_NOBITS && size > 0;
    }

    public boolean isCompressed() {
        return compression != Compression.NONE;
    }

    /** Allocated and executable: code that is loaded into the process. */
    public boolean isLoadableCode() {
        return (flags & SHF_ALLOC) != 0 && (flags & SHF_EXECINSTR) != 0 && type != SHT_NOBITS;
    }
}
