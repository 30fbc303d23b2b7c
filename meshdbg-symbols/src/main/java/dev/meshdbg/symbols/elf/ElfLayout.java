package dev.meshdbg.symbols.elf;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfSection.Compression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the ELF header, the section header table and the program headers of a 64-bit
 * little-endian ELF file. Everything read here is small (headers only); section contents are
 * mapped later, on demand. Every inconsistency becomes one bad-input line naming the file.
 */
final class ElfLayout {
    static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHN_XINDEX = 0xffff;
    private static final int PT_NOTE = 4;
    private static final int ELFCOMPRESS_ZLIB = 1;
    private static final int ELFCOMPRESS_ZSTD = 2;

    /** A program header that holds notes: where they are in the file. */
    record NoteSegment(long offset, long size, long align) {
    }

    final int type;
    final int machine;
    final List<ElfSection> sections;
    final List<NoteSegment> noteSegments;

    private final String file;
    private final FileChannel channel;
    private final long fileSize;

    private ElfLayout(String file, FileChannel channel, long fileSize, ByteBuffer ehdr) throws IOException {
        this.file = file;
        this.channel = channel;
        this.fileSize = fileSize;
        this.type = Short.toUnsignedInt(ehdr.getShort(16));
        this.machine = Short.toUnsignedInt(ehdr.getShort(18));
        this.noteSegments = readNoteSegments(ehdr);
        this.sections = readSections(ehdr);
    }

    static ElfLayout read(String file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            throw bad(file + " is empty (0 bytes), not an ELF file");
        }
        ByteBuffer ehdr = readAt(channel, 0, (int) Math.min(size, EHDR_SIZE));
        if (ehdr.limit() < 4 || ehdr.getInt(0) != 0x464c457f) {
            throw bad(file + " is not an ELF file (it does not start with the ELF magic \\x7fELF)");
        }
        if (ehdr.limit() < 6) {
            throw bad(file + " is truncated: " + size + " bytes, shorter than an ELF header");
        }
        int elfClass = ehdr.get(4);
        int data = ehdr.get(5);
        if (elfClass == 1) {
            throw bad(file + " is a 32-bit ELF file; meshdbg reads 64-bit ELF only (Envoy is built for x86_64 or aarch64)");
        }
        if (elfClass != 2) {
            throw bad(file + " is a corrupt ELF file: unknown ELF class " + elfClass);
        }
        if (data == 2) {
            throw bad(file + " is a big-endian ELF file; meshdbg reads little-endian ELF only (x86_64, aarch64)");
        }
        if (data != 1) {
            throw bad(file + " is a corrupt ELF file: unknown data encoding " + data);
        }
        if (size < EHDR_SIZE) {
            throw bad(file + " is truncated: " + size + " bytes, shorter than the 64-byte ELF header");
        }
        return new ElfLayout(file, channel, size, ehdr.order(ByteOrder.LITTLE_ENDIAN));
    }

    private List<ElfSection> readSections(ByteBuffer ehdr) throws IOException {
        long shoff = ehdr.getLong(40);
        int shentsize = Short.toUnsignedInt(ehdr.getShort(58));
        long shnum = Short.toUnsignedInt(ehdr.getShort(60));
        int shstrndx = Short.toUnsignedInt(ehdr.getShort(62));
        if (shoff == 0) {
            return List.of();
        }
        if (shentsize != SHDR_SIZE) {
            throw bad(file + " is a corrupt ELF file: section header size " + shentsize + ", expected 64");
        }
        checkTableInFile(shoff, 1, "section table");
        ByteBuffer first = readAt(channel, shoff, SHDR_SIZE);
        if (shnum == 0) {
            shnum = first.getLong(32); // extended numbering: the count lives in section 0's sh_size
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = first.getInt(40);
        }
        checkTableInFile(shoff, shnum, "section table");
        ByteBuffer table = readAt(channel, shoff, (int) (shnum * SHDR_SIZE));
        if (Integer.toUnsignedLong(shstrndx) >= shnum) {
            throw bad(file + " is a corrupt ELF file: section-name table index " + shstrndx + " is not below the section count " + shnum);
        }
        ByteBuffer names = sectionBytes(table, shstrndx, "section-name table");
        List<ElfSection> result = new ArrayList<>((int) shnum);
        for (int i = 0; i < shnum; i++) {
            result.add(section(table, i, names));
        }
        return List.copyOf(result);
    }

    private ElfSection section(ByteBuffer table, int i, ByteBuffer names) throws IOException {
        int base = i * SHDR_SIZE;
        int nameOffset = table.getInt(base);
        int type = table.getInt(base + 4);
        long flags = table.getLong(base + 8);
        long addr = table.getLong(base + 16);
        long offset = table.getLong(base + 24);
        long size = table.getLong(base + 32);
        int link = table.getInt(base + 40);
        int info = table.getInt(base + 44);
        long align = table.getLong(base + 48);
        String name = cString(names, nameOffset);
        if (type != ElfSection.SHT_NOBITS && size != 0 && (offset < 0 || size < 0 || offset > fileSize || size > fileSize - offset)) {
            throw bad(file + " is truncated or corrupt: section " + describe(name, i) + " (offset " + offset + ", "
                    + size + " bytes) extends past the end of the file (" + fileSize + " bytes)");
        }
        Compression compression = Compression.NONE;
        long uncompressed = size;
        if ((flags & ElfSection.SHF_COMPRESSED) != 0 && type != ElfSection.SHT_NOBITS) {
            if (size < 24) {
                throw bad(file + " is corrupt: compressed section " + describe(name, i) + " is shorter than its header");
            }
            ByteBuffer chdr = readAt(channel, offset, 24);
            int chType = chdr.getInt(0);
            compression = chType == ELFCOMPRESS_ZLIB ? Compression.ZLIB
                    : chType == ELFCOMPRESS_ZSTD ? Compression.ZSTD : Compression.UNKNOWN;
            uncompressed = chdr.getLong(8);
        } else if (name.startsWith(".zdebug") && type != ElfSection.SHT_NOBITS && size >= 12) {
            // The older GNU form: "ZLIB" then the size as 8 big-endian bytes, then a zlib stream.
            ByteBuffer zhdr = readAt(channel, offset, 12).order(ByteOrder.BIG_ENDIAN);
            if (zhdr.getInt(0) == 0x5a4c4942) {
                compression = Compression.ZLIB;
                uncompressed = zhdr.getLong(4);
            }
        }
        return new ElfSection(i, name, type, flags, addr, offset, size, link, info, align, compression, uncompressed);
    }

    private ByteBuffer sectionBytes(ByteBuffer table, int index, String what) throws IOException {
        int base = index * SHDR_SIZE;
        long offset = table.getLong(base + 24);
        long size = table.getLong(base + 32);
        if (offset < 0 || size < 0 || offset > fileSize || size > fileSize - offset) {
            throw bad(file + " is truncated or corrupt: its " + what + " (offset " + offset + ", " + size
                    + " bytes) extends past the end of the file (" + fileSize + " bytes)");
        }
        if (size > 64L << 20) {
            throw bad(file + " is corrupt: its " + what + " is implausibly large (" + size + " bytes)");
        }
        return readAt(channel, offset, (int) size);
    }

    private List<NoteSegment> readNoteSegments(ByteBuffer ehdr) throws IOException {
        long phoff = ehdr.getLong(32);
        int phentsize = Short.toUnsignedInt(ehdr.getShort(54));
        int phnum = Short.toUnsignedInt(ehdr.getShort(56));
        if (phoff == 0 || phnum == 0 || phentsize != PHDR_SIZE) {
            return List.of();
        }
        if (phoff < 0 || phoff > fileSize || (long) phnum * PHDR_SIZE > fileSize - phoff) {
            throw bad(file + " is truncated or corrupt: its program header table ends past the end of the file");
        }
        ByteBuffer table = readAt(channel, phoff, phnum * PHDR_SIZE);
        List<NoteSegment> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int base = i * PHDR_SIZE;
            if (table.getInt(base) == PT_NOTE) {
                long offset = table.getLong(base + 8);
                long size = table.getLong(base + 32);
                long align = table.getLong(base + 48);
                if (offset >= 0 && size > 0 && offset <= fileSize && size <= fileSize - offset) {
                    notes.add(new NoteSegment(offset, size, align));
                }
            }
        }
        return List.copyOf(notes);
    }

    private void checkTableInFile(long offset, long entries, String what) {
        long end = offset + entries * SHDR_SIZE;
        if (offset < 0 || entries < 0 || entries > fileSize / SHDR_SIZE + 1 || end < 0 || end > fileSize) {
            throw bad(file + " is truncated or corrupt: its " + what + " (offset " + offset + ", " + entries
                    + " entries) ends past the end of the file (" + fileSize + " bytes)");
        }
    }

    private static String describe(String name, int index) {
        return name.isEmpty() ? "#" + index : name;
    }

    /** A NUL-terminated name; an out-of-range offset gives an empty name rather than an error. */
    static String cString(ByteBuffer bytes, int offset) {
        if (offset < 0 || offset >= bytes.limit()) {
            return "";
        }
        int end = offset;
        while (end < bytes.limit() && bytes.get(end) != 0) {
            end++;
        }
        byte[] raw = new byte[end - offset];
        bytes.get(offset, raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.flip();
    }

    static MeshdbgException bad(String message) {
        return MeshdbgException.badInput(message);
    }
}
