package dev.meshdbg.symbols.dwarf;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lists the units of a program's .debug_info (and DWARF 4 .debug_types): one sequential pass over
 * the unit headers, hopping from unit to unit by length, then the root DIEs decoded on all cores.
 */
public final class DwarfScanner {
    /** Below this many units a second thread costs more than it saves. */
    private static final int PARALLEL_THRESHOLD = 512;

    private DwarfScanner() {
    }

    /** The units of {@code elf}; empty when it has no debug info. Corrupt DWARF is bad input. */
    public static List<DwarfUnit> units(ElfFile elf) {
        String file = elf.path().toString();
        return guarded(file, () -> {
            StringTables strings = new StringTables(elf.section(".debug_str").orElse(null),
                    elf.section(".debug_line_str").orElse(null), elf.section(".debug_str_offsets").orElse(null), "");
            ByteBuffer abbrevSection = elf.section(".debug_abbrev").orElse(ByteBuffer.allocate(0));
            Abbreviations abbrevs = new Abbreviations(abbrevSection, ".debug_abbrev");
            List<DwarfUnit> all = new ArrayList<>();
            for (String name : List.of(".debug_info", ".debug_types")) {
                ByteBuffer section = elf.section(name).orElse(null);
                if (section != null) {
                    List<UnitHeader> headers = headers(section, name, name.equals(".debug_types"));
                    RootDieDecoder decoder = new RootDieDecoder(abbrevs, strings, name, false);
                    all.addAll(decodeAll(section, name, headers, (c, h) -> decoder.decode(c, h, 0, -1)));
                }
            }
            return all;
        });
    }

    /** Every unit header of a section, in order. */
    static List<UnitHeader> headers(ByteBuffer section, String name, boolean typesSection) {
        List<UnitHeader> headers = new ArrayList<>();
        DwarfCursor c = new DwarfCursor(section, name);
        while (c.remaining() > 0) {
            UnitHeader h = UnitHeader.read(c, typesSection);
            headers.add(h);
            c.seek(h.end());
        }
        return headers;
    }

    /** Decodes one root DIE per header, splitting the list across the cores when it is long. */
    static List<DwarfUnit> decodeAll(ByteBuffer section, String name, List<UnitHeader> headers, UnitDecoder decoder) {
        DwarfUnit[] out = new DwarfUnit[headers.size()];
        int threads = headers.size() < PARALLEL_THRESHOLD ? 1
                : Math.min(4, Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            decodeRange(section, name, headers, decoder, out, 0, out.length);
            return Arrays.asList(out);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "dwarf-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            int chunk = (out.length + threads - 1) / threads;
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 1; t < threads; t++) {
                int from = t * chunk;
                int to = Math.min(out.length, from + chunk);
                futures.add(pool.submit(() -> decodeRange(section, name, headers, decoder, out, from, to)));
            }
            decodeRange(section, name, headers, decoder, out, 0, Math.min(chunk, out.length));
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while reading DWARF", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw MeshdbgException.failure("reading DWARF failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(out);
    }

    private static void decodeRange(ByteBuffer section, String name, List<UnitHeader> headers, UnitDecoder decoder,
                                    DwarfUnit[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            UnitHeader h = headers.get(i);
            DwarfCursor c = new DwarfCursor(section, name);
            c.limitTo(h.end());
            try {
                out[i] = decoder.decode(c, h);
            } catch (DwarfFormatException e) {
                throw new DwarfFormatException("unit at " + name + " offset 0x" + Long.toHexString(h.offset()) + ": " + e.getMessage());
            }
        }
    }

    /** Decodes the root DIE of one unit. */
    @FunctionalInterface
    interface UnitDecoder {
        DwarfUnit decode(DwarfCursor c, UnitHeader h);
    }

    /** Runs a decoding step, turning any sign of corrupt DWARF into one bad-input line. */
    static <T> T guarded(String file, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (DwarfFormatException e) {
            throw MeshdbgException.badInput(file + " has corrupt DWARF: " + e.getMessage());
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
            throw MeshdbgException.badInput(file + " has corrupt DWARF (" + e + ")");
        }
    }
}
