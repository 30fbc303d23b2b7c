package dev.meshdbg.agent.stacks;

import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.elf.ElfSection;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Function names from a module's ELF symbol tables ({@code .symtab}, else {@code .dynsym}): all
 * a library without debug info offers, and what the agent can name without the symbol file.
 * Names stay mangled; the CLI's symbolizer demangles those it resolves.
 */
final class ElfSymbols {
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int ENTRY = 24;

    /** A function name and how far into it the address lies. */
    record Symbol(String name, long offset) {
    }

    private final long[] starts;
    private final long[] sizes;
    private final int[] names;
    private final ByteBuffer strings;

    private ElfSymbols(long[] starts, long[] sizes, int[] names, ByteBuffer strings) {
        this.starts = starts;
        this.sizes = sizes;
        this.names = names;
        this.strings = strings;
    }

    static ElfSymbols of(ElfFile elf) {
        Optional<ElfSection> table = elf.sectionHeader(".symtab").filter(ElfSection::hasFileBytes)
                .or(() -> elf.sectionHeader(".dynsym").filter(ElfSection::hasFileBytes));
        if (table.isEmpty() || table.get().link() <= 0 || table.get().link() >= elf.sections().size()) {
            return new ElfSymbols(new long[0], new long[0], new int[0], ByteBuffer.allocate(0));
        }
        ByteBuffer symbols = elf.contents(table.get());
        ByteBuffer strings = elf.contents(elf.sections().get(table.get().link()));
        int n = symbols.limit() / ENTRY;
        long[][] rows = new long[n][];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int at = i * ENTRY;
            int type = symbols.get(at + 4) & 0xf;
            int section = symbols.getShort(at + 6) & 0xffff;
            long value = symbols.getLong(at + 8);
            if ((type == STT_FUNC || type == STT_GNU_IFUNC) && section != 0 && value != 0) {
                rows[kept++] = new long[] {value, symbols.getLong(at + 16), symbols.getInt(at) & 0xffffffffL};
            }
        }
        long[][] sorted = Arrays.copyOf(rows, kept);
        Arrays.sort(sorted, (a, b) -> a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compare(b[1], a[1]));
        long[] starts = new long[kept];
        long[] sizes = new long[kept];
        int[] names = new int[kept];
        for (int i = 0; i < kept; i++) {
            starts[i] = sorted[i][0];
            sizes[i] = sorted[i][1];
            names[i] = (int) sorted[i][2];
        }
        return new ElfSymbols(starts, sizes, names, strings);
    }

    /** The function containing {@code address} (a module address), if a symbol covers it. */
    Optional<Symbol> at(long address) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Several symbols may start at one address (aliases); take the first of them with a size that covers it.
        while (found > 0 && starts[found - 1] == starts[found]) {
            found--;
        }
        if (found < 0 || (sizes[found] > 0 && Long.compareUnsigned(address - starts[found], sizes[found]) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(new Symbol(name(names[found]), address - starts[found]));
    }

    private String name(int offset) {
        StringBuilder s = new StringBuilder();
        for (int i = offset; i < strings.limit(); i++) {
            byte b = strings.get(i);
            if (b == 0) {
                break;
            }
            s.append((char) (b & 0xff));
        }
        return s.toString();
    }
}
