package dev.meshdbg.symbols.dwarf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.symbols.Toolchain;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding split across threads gives the same units, in the same order, as one thread. */
class ParallelDecodeTest {
    @TempDir
    Path work;

    @Test
    void threadsDoNotChangeTheResult() throws IOException {
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Files.writeString(work.resolve("u" + i + ".c"), "int f" + i + "(void) { return " + i + "; }\n");
            sources.add("u" + i + ".c");
        }
        Files.writeString(work.resolve("main.c"), "int main(void) { return 0; }\n");
        sources.add("main.c");
        Path binary = Toolchain.compile(work, "gcc", List.of("-g"), sources, "many");
        try (ElfFile elf = ElfFile.open(binary)) {
            SectionBytes info = SectionBytes.of(elf, ".debug_info");
            List<UnitHeader> headers = DwarfScanner.headers(info, ".debug_info", false);
            StringTables strings = new StringTables(SectionBytes.of(elf, ".debug_str"), SectionBytes.of(elf, ".debug_line_str"),
                    SectionBytes.of(elf, ".debug_str_offsets"), "");
            RootDieDecoder decoder = new RootDieDecoder(new Abbreviations(SectionBytes.of(elf, ".debug_abbrev"), ".debug_abbrev"),
                    strings, ".debug_info", false);
            List<DwarfUnit> one = DwarfScanner.decodeAll(info, ".debug_info", headers, (c, h) -> decoder.decode(c, h, 0, -1), 1);
            List<DwarfUnit> four = DwarfScanner.decodeAll(info, ".debug_info", headers, (c, h) -> decoder.decode(c, h, 0, -1), 4);
            assertThat(four).hasSize(25).containsExactlyElementsOf(one);
            assertThat(four).extracting(DwarfUnit::name).contains("u0.c", "u23.c", "main.c");
            assertThat(DwarfScanner.units(elf)).containsExactlyElementsOf(one);
        }
    }
}
