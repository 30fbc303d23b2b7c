package dev.meshdbg.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.dwarf.DwpIndex;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over the ELF, DWARF and .dwp parsers: small real binaries with bytes
 * flipped, lengths and offsets set to extremes, and tails cut off. Every run must either succeed
 * or fail with bad input; any other exception (or an OutOfMemoryError) is a parser bug.
 */
class ParserFuzzTest {
    private static final int MUTATIONS = 750;

    @TempDir
    static Path work;
    static Path plain;
    static Path compressed;
    static Path split;

    @BeforeAll
    static void build() throws IOException {
        List<String> c = Toolchain.writeProgram(work, false);
        plain = Toolchain.compile(work, "gcc", List.of("-g", "-gdwarf-5"), c, "plain");
        compressed = Toolchain.compile(work, "gcc", List.of("-g", "-gdwarf-4", "-gz=zlib"), c, "compressed");
        Toolchain.require("llvm-dwp-14");
        split = Toolchain.compile(work, "clang-14", List.of("-g", "-gsplit-dwarf"), c, "split");
        Toolchain.run(work, "llvm-dwp-14", "-e", "split", "-o", "split.dwp");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "compressed", "split", "split.dwp"})
    void mutantsAreReadOrRejectedAsBadInput(String name) throws IOException {
        byte[] original = Files.readAllBytes(work.resolve(name));
        Random random = new Random(name.hashCode() * 31L + 7);
        Path dir = Files.createDirectories(work.resolve("fuzz-" + name.replace('.', '-')));
        Path mutant = dir.resolve("split");
        if (name.equals("split.dwp")) {
            // Mutate the package beside an intact program, so the .dwp parser sees the damage.
            Files.copy(split, mutant);
            mutant = dir.resolve("split.dwp");
        }
        int accepted = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] bytes = mutate(original, random);
            Files.write(mutant, bytes);
            try {
                SymbolInspector.inspect(dir.resolve("split"));
                if (name.equals("split.dwp")) {
                    try (ElfFile dwp = ElfFile.open(mutant)) {
                        DwpIndex index = DwpIndex.read(dwp);
                        index.splitUnits(dwp);
                    }
                }
                accepted++;
            } catch (MeshdbgException e) {
                assertThat(e.kind()).as("mutation %d of %s: %s", i, name, e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
                assertThat(e.getMessage()).doesNotContain("\n");
            } catch (RuntimeException | Error e) {
                Path kept = work.resolve("crash-" + name + "-" + i);
                Files.write(kept, bytes);
                throw new AssertionError("mutation " + i + " of " + name + " threw " + e + " (kept as " + kept + ")", e);
            }
        }
        assertThat(accepted).as("some mutants must still parse, or the mutations are too coarse").isPositive();
    }

    /** One to eight damages: random bytes, extreme 32/64-bit values at aligned offsets, or a cut. */
    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int damages = 1 + random.nextInt(8);
        ByteBuffer view = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int d = 0; d < damages; d++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> {
                    if (at + 4 <= b.length) {
                        view.putInt(at & ~3, extreme32(random));
                    }
                }
                case 3 -> {
                    if (at + 8 <= b.length) {
                        view.putLong(at & ~7, extreme64(random));
                    }
                }
                default -> {
                    if (random.nextInt(10) == 0) {
                        return java.util.Arrays.copyOf(b, at);
                    }
                    b[at] = 0;
                }
            }
        }
        return b;
    }

    private static int extreme32(Random random) {
        int[] values = {0, 1, -1, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x10000, random.nextInt()};
        return values[random.nextInt(values.length)];
    }

    private static long extreme64(Random random) {
        long[] values = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0xffffffffL, 1L << 40, random.nextLong()};
        return values[random.nextInt(values.length)];
    }
}
