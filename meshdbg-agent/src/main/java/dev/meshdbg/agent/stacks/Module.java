package dev.meshdbg.agent.stacks;

import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.elf.ElfSection;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file mapped into the target (its executable, libc, ...), read through the target's own root
 * ({@code /proc/PID/root}), with the difference between its addresses in the process and in the
 * file ({@code bias}). Unwind tables are opened before the stop; symbols only after it.
 */
final class Module implements AutoCloseable {
    private final String path;
    private final ElfFile elf;
    private final long bias;
    private final boolean main;
    private final Optional<EhFrame> frames;
    private ElfSymbols symbols;

    private Module(String path, ElfFile elf, long bias, boolean main) {
        this.path = path;
        this.elf = elf;
        this.bias = bias;
        this.main = main;
        Optional<EhFrame> f;
        try {
            f = EhFrame.of(elf);
        } catch (RuntimeException e) {
            f = Optional.empty(); // unreadable tables: frame pointers only
        }
        this.frames = f;
    }

    /**
     * Opens the file of an executable mapping; the bias comes from an allocated section whose file
     * bytes fall inside the mapping. Empty when the file cannot be read (deleted, another root).
     */
    static Optional<Module> open(Path file, ProcMaps.Mapping mapping, boolean main) {
        ElfFile elf;
        try {
            elf = ElfFile.open(file);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        long size = mapping.end() - mapping.start();
        for (ElfSection s : elf.sections()) {
            if ((s.flags() & ElfSection.SHF_ALLOC) != 0 && s.type() != ElfSection.SHT_NOBITS
                    && s.offset() >= mapping.offset() && s.offset() < mapping.offset() + size) {
                long runtime = mapping.start() + (s.offset() - mapping.offset());
                return Optional.of(new Module(mapping.path(), elf, runtime - s.address(), main));
            }
        }
        elf.close();
        return Optional.empty();
    }

    /** The path as the target sees it, e.g. {@code /usr/local/bin/envoy}. */
    String path() {
        return path;
    }

    /** True for the target's executable (the file the symbol file must match). */
    boolean main() {
        return main;
    }

    Optional<String> buildId() {
        try {
            return elf.buildId().map(BuildId::hex);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The module's own address of a process address. */
    long toModule(long address) {
        return address - bias;
    }

    Optional<CfaRow> rowAt(long address) {
        try {
            return frames.flatMap(f -> f.rowAt(toModule(address)));
        } catch (RuntimeException e) {
            return Optional.empty(); // a table we misread: fall back to frame pointers
        }
    }

    synchronized Optional<ElfSymbols.Symbol> symbolAt(long moduleAddress) {
        if (symbols == null) {
            try {
                symbols = ElfSymbols.of(elf);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return symbols.at(moduleAddress);
    }

    @Override
    public void close() {
        elf.close();
    }
}
