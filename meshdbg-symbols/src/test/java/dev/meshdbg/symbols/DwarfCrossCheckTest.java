package dev.meshdbg.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.symbols.dwarf.DwarfScanner;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builds real binaries with gcc and clang in many configurations and checks that meshdbg reads the
 * same units, names, compilation directories and build-id as llvm-dwarfdump and readelf.
 */
class DwarfCrossCheckTest {
    @TempDir
    static Path work;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("gcc C DWARF 5 PIE", "gcc", false, List.of("-g", "-gdwarf-5", "-pie", "-fPIE")),
                Arguments.of("gcc C DWARF 4 non-PIE", "gcc", false, List.of("-g", "-gdwarf-4", "-no-pie", "-fno-PIE")),
                Arguments.of("gcc C static", "gcc", false, List.of("-g", "-static")),
                Arguments.of("gcc C++ DWARF 5 zlib", "g++", true, List.of("-g", "-gz=zlib")),
                Arguments.of("gcc C++ 64-bit DWARF", "g++", true, List.of("-g", "-gdwarf64")),
                Arguments.of("clang C DWARF 4", "clang-14", false, List.of("-g", "-gdwarf-4")),
                Arguments.of("clang C++ DWARF 5", "clang++-14", true, List.of("-g", "-gdwarf-5")),
                Arguments.of("clang C++ DWARF 5 zlib", "clang++-14", true, List.of("-g", "-gz=zlib")),
                Arguments.of("clang C++ DWARF 4 type units", "clang++-14", true,
                        List.of("-g", "-gdwarf-4", "-fdebug-types-section")),
                Arguments.of("clang C++ DWARF 5 type units", "clang++-14", true,
                        List.of("-g", "-gdwarf-5", "-fdebug-types-section")),
                Arguments.of("gcc C++ /proc/self/cwd", "g++", true, List.of("-g", "-fdebug-prefix-map=@DIR@=/proc/self/cwd")),
                Arguments.of("clang C++ sandbox execroot", "clang++-14", true, List.of("-g",
                        "-fdebug-prefix-map=@DIR@=/home/.cache/bazel/_bazel_root/1e0b/sandbox/linux-sandbox/263/execroot/io_istio_proxy")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void unitsMatchLlvmDwarfdump(String label, String compiler, boolean cxx, List<String> flags) throws IOException {
        Toolchain.require(DwarfDump.TOOL);
        Path dir = work.resolve(label.replaceAll("\\W+", "-"));
        List<String> sources = Toolchain.writeProgram(dir, cxx);
        List<String> resolved = flags.stream().map(f -> f.replace("@DIR@", dir.toString())).toList();
        Path binary = Toolchain.compile(dir, compiler, resolved, sources, "prog");

        List<DwarfDump.Unit> expected = DwarfDump.units(binary, ".debug_info", ".debug_types");
        List<DwarfUnit> actual;
        try (ElfFile elf = ElfFile.open(binary)) {
            actual = DwarfScanner.units(elf);
            assertThat(elf.machine()).isEqualTo("x86_64");
            assertThat(elf.buildId().map(BuildId::hex).orElse(null)).isEqualTo(DwarfDump.readelfBuildId(binary));
            assertThat(elf.hasDebugInfo()).isTrue();
        }
        assertThat(actual).hasSameSizeAs(expected);
        List<DwarfDump.Unit> ours = new ArrayList<>();
        for (DwarfUnit u : actual) {
            ours.add(new DwarfDump.Unit(u.section(), u.offset(), u.version(), u.name(), u.compDir(), u.dwoName()));
        }
        assertThat(ours).containsExactlyElementsOf(expected);
        assertThat(actual).filteredOn(u -> u.name() != null && u.name().startsWith("main"))
                .as("the program's own unit").hasSize(1);

        SymbolReport report = SymbolInspector.inspect(binary);
        assertThat(report.debugInfo().decoded()).isTrue();
        assertThat(report.debugInfo().unitCount()).isEqualTo(expected.size());
        if (flags.contains("-gz=zlib")) {
            assertThat(report.debugInfo().compressedSections()).extracting(SymbolReport.Section::name).contains(".debug_info");
            assertThat(report.debugInfo().compressedSections()).allMatch(s -> s.compression().equals("zlib"));
        }
        if (flags.contains("-gdwarf64")) {
            assertThat(report.debugInfo().dwarf64Units()).isPositive();
        }
        if (flags.contains("-fdebug-types-section")) {
            assertThat(report.debugInfo().unitTypes()).containsKey("type");
        }
        String mapped = resolved.stream().filter(f -> f.startsWith("-fdebug-prefix-map=")).map(f -> f.substring(f.indexOf('=', 20) + 1))
                .findFirst().orElse(null);
        if (mapped != null) {
            assertThat(report.debugInfo().compDirs()).extracting(SymbolReport.Counted::value).contains(mapped);
            assertThat(report.debugInfo().sourcePrefixes()).extracting(SymbolReport.PrefixCount::prefix).contains(mapped);
        }
        assertThat(Files.size(binary)).isEqualTo(report.sizeBytes());
    }
}
