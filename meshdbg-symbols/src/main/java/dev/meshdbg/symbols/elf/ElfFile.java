package dev.meshdbg.symbols.elf;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A 64-bit little-endian ELF file (Envoy, its .dwp, a debug file). Only the headers are read when
 * opening; section contents are mapped one section at a time when asked for, because debug
 * binaries are 1-2 GB and must never be read onto the heap. Thread-safe for reading.
 */
public final class ElfFile implements AutoCloseable {
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    private final Path path;
    private final FileChannel channel;
    private final ElfLayout layout;
    private final Map<String, ElfSection> byName = new HashMap<>();
    private final Map<Integer, ByteBuffer> inflated = new ConcurrentHashMap<>();

    private ElfFile(Path path, FileChannel channel, ElfLayout layout) {
        this.path = path;
        this.channel = channel;
        this.layout = layout;
        for (ElfSection s : layout.sections) {
            byName.putIfAbsent(s.name(), s);
        }
    }

    /** Opens and checks an ELF file; anything that is not a readable 64-bit little-endian ELF is bad input. */
    public static ElfFile open(Path path) {
        String name = path.toString();
        if (Files.isDirectory(path)) {
            throw MeshdbgException.badInput(name + " is a directory, not an ELF file");
        }
        if (!Files.exists(path)) {
            throw MeshdbgException.badInput(name + ": no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw MeshdbgException.badInput(name + " is not a regular file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw MeshdbgException.badInput(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw MeshdbgException.badInput(name + ": permission denied");
        } catch (IOException e) {
            throw MeshdbgException.badInput("cannot open " + name + ": " + e.getMessage());
        }
        try {
            return new ElfFile(path, channel, ElfLayout.read(name, channel));
        } catch (IOException e) {
            closeQuietly(channel);
            throw MeshdbgException.failure("cannot read " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The file's size in bytes. */
    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The architecture as in a target triple: "x86_64", "aarch64", ... */
    public String machine() {
        return ElfMachine.name(layout.machine);
    }

    /** e_type: {@link #ET_EXEC}, {@link #ET_DYN} (shared objects and PIE executables), ... */
    public int type() {
        return layout.type;
    }

    public String typeName() {
        return switch (layout.type) {
            case ET_REL -> "relocatable";
            case ET_EXEC -> "executable";
            case ET_DYN -> "shared-object";
            case ET_CORE -> "core";
            default -> "unknown(" + layout.type + ")";
        };
    }

    /** All sections in header order (index 0 is the null section). */
    public List<ElfSection> sections() {
        return layout.sections;
    }

    public Optional<ElfSection> sectionHeader(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The contents of the named section as a little-endian read-only buffer positioned at 0,
     * decompressed when stored compressed (also the legacy {@code .zdebug_*} spelling of a
     * {@code .debug_*} name). Empty when there is no such section or it has no bytes in the file.
     */
    public Optional<ByteBuffer> section(String name) {
        ElfSection s = byName.get(name);
        if (s == null && name.startsWith(".debug_")) {
            s = byName.get(".z" + name.substring(1));
        }
        if (s == null || !s.hasFileBytes()) {
            return Optional.empty();
        }
        return Optional.of(contents(s));
    }

    /** The contents of one section; see {@link #section(String)}. */
    public ByteBuffer contents(ElfSection s) {
        if (!s.hasFileBytes()) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (!s.isCompressed()) {
            return map(s.offset(), s.size(), s.name());
        }
        ByteBuffer done = inflated.computeIfAbsent(s.index(),
                i -> SectionInflater.inflate(path.toString(), s, map(s.offset(), s.size(), s.name())));
        return done.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The GNU build-id, from the note sections or, in a file without sections, from PT_NOTE segments. */
    public Optional<BuildId> buildId() {
        for (ElfSection s : layout.sections) {
            if (s.type() == ElfSection.SHT_NOTE && s.hasFileBytes() && !s.isCompressed()) {
                Optional<BuildId> id = ElfNotes.findBuildId(map(s.offset(), s.size(), s.name()), s.addressAlign());
                if (id.isPresent()) {
                    return id;
                }
            }
        }
        for (ElfLayout.NoteSegment n : layout.noteSegments) {
            Optional<BuildId> id = ElfNotes.findBuildId(map(n.offset(), n.size(), "PT_NOTE"), n.align());
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    /** True when the file carries DWARF: a .debug_info section with bytes in the file (not a NOBITS placeholder). */
    public boolean hasDebugInfo() {
        return sectionHeaderOf(".debug_info").map(ElfSection::hasFileBytes).orElse(false);
    }

    /** The .debug_info header, also under its legacy name .zdebug_info. */
    public Optional<ElfSection> sectionHeaderOf(String debugName) {
        ElfSection s = byName.get(debugName);
        if (s == null && debugName.startsWith(".debug_")) {
            s = byName.get(".z" + debugName.substring(1));
        }
        return Optional.ofNullable(s);
    }

    /**
     * SHA-256 over the bytes of every allocated executable section, in header order: tells whether
     * two binaries carry the same code when they have no build-id. Read through a small buffer
     * rather than mapped, so hashing 100+ MB of .text does not grow the process.
     */
    public byte[] loadableCodeHash() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try {
            for (ElfSection s : layout.sections) {
                if (!s.isLoadableCode()) {
                    continue;
                }
                long pos = s.offset();
                long end = s.offset() + s.size();
                while (pos < end) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int n = channel.read(buf, pos);
                    if (n <= 0) {
                        throw MeshdbgException.badInput(path + " is truncated: section " + s.name() + " ends past the end of the file");
                    }
                    sha.update(buf.flip());
                    pos += n;
                }
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read " + path + ": " + e.getMessage(), e);
        }
        return sha.digest();
    }

    private ByteBuffer map(long offset, long size, String what) {
        if (size > Integer.MAX_VALUE) {
            throw MeshdbgException.badInput("section " + what + " of " + path + " is larger than 2 GiB (" + size + " bytes); not supported");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, size).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot map " + what + " of " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written; a failed close loses nothing.
        }
    }

    @Override
    public String toString() {
        return "ElfFile[" + path + "]";
    }
}
