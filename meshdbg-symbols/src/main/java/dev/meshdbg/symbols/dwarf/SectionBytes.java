package dev.meshdbg.symbols.dwarf;

import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.elf.ElfSection;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A section's bytes, handed out in 4 KiB pages that a {@link DwarfCursor} keeps while it reads
 * within them. Uncompressed sections of the file are read page by page with positional reads
 * rather than mapped: decoding touches a few hundred bytes per unit spread over hundreds of
 * megabytes, and mapped pages (with the kernel's fault-around) would grow the process by most of
 * the section. A small LRU keeps recently used pages. Thread-safe.
 */
abstract class SectionBytes {
    static final int PAGE_SHIFT = 12;
    static final int PAGE = 1 << PAGE_SHIFT;
    private static final int CACHED_PAGES = 256;

    private final Map<Long, byte[]> cache = new LinkedHashMap<>(CACHED_PAGES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_PAGES;
        }
    };

    abstract long size();

    /** Fills {@code page} with the bytes starting at {@code offset}. */
    abstract void load(long offset, byte[] page);

    /** Page {@code index}: {@link #PAGE} bytes, fewer for the last page. */
    final synchronized byte[] page(long index) {
        byte[] page = cache.get(index);
        if (page == null) {
            long offset = index << PAGE_SHIFT;
            page = new byte[(int) Math.min(PAGE, size() - offset)];
            load(offset, page);
            cache.put(index, page);
        }
        return page;
    }

    /** The bytes of a buffer: a decompressed section, or a small mapped one. */
    static SectionBytes of(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        return new SectionBytes() {
            @Override
            long size() {
                return b.limit();
            }

            @Override
            void load(long offset, byte[] page) {
                b.get((int) offset, page);
            }
        };
    }

    /** The named section of {@code elf}: read from the file when stored plainly, else decompressed; null when absent. */
    static SectionBytes of(ElfFile elf, String name) {
        ElfSection s = elf.sectionHeaderOf(name).orElse(null);
        if (s == null || !s.hasFileBytes()) {
            return null;
        }
        if (s.isCompressed()) {
            return of(elf.contents(s));
        }
        long start = s.offset();
        long size = s.size();
        return new SectionBytes() {
            @Override
            long size() {
                return size;
            }

            @Override
            void load(long offset, byte[] page) {
                elf.read(start + offset, ByteBuffer.wrap(page));
            }
        };
    }
}
