package dev.meshdbg.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.dwarf.DwpIndex;
import dev.meshdbg.symbols.dwarf.UnitType;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Split DWARF: skeleton units in the program, split units in a .dwp made by dwp or llvm-dwp. */
class SplitDwarfTest {
    @TempDir
    static Path work;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("gcc DWARF 4 + dwp", "g++", List.of("-g", "-gdwarf-4", "-gsplit-dwarf"), "dwp", 2),
                Arguments.of("gcc DWARF 5 + llvm-dwp", "g++", List.of("-g", "-gdwarf-5", "-gsplit-dwarf"), "llvm-dwp-14", 5),
                Arguments.of("clang DWARF 5 + llvm-dwp", "clang++-14", List.of("-g", "-gsplit-dwarf"), "llvm-dwp-14", 5),
                Arguments.of("clang DWARF 4 + llvm-dwp", "clang-14", List.of("-g", "-gdwarf-4", "-gsplit-dwarf"), "llvm-dwp-14", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void skeletonsAreCoveredByTheDwpBesideTheProgram(String label, String compiler, List<String> flags, String dwpTool,
                                                     int indexVersion) throws IOException {
        Toolchain.require(DwarfDump.TOOL);
        Toolchain.require(dwpTool);
        Path dir = work.resolve(label.replaceAll("\\W+", "-"));
        boolean cxx = compiler.contains("++");
        Path envoy = Toolchain.compile(dir, compiler, flags, Toolchain.writeProgram(dir, cxx), "envoy");

        SymbolReport before = SymbolInspector.inspect(envoy);
        SymbolReport.SplitDwarf split = before.debugInfo().split();
        List<DwarfDump.Unit> skeletons = DwarfDump.units(envoy, ".debug_info");
        assertThat(split.skeletonUnits()).isEqualTo(skeletons.size()).isEqualTo(2);
        assertThat(split.dwoNames()).containsExactlyElementsOf(skeletons.stream().map(DwarfDump.Unit::dwoName).toList());
        assertThat(split.dwoFilesFound()).isEqualTo(2);
        assertThat(split.dwp().present()).isFalse();
        assertThat(split.dwp().missingDwoIds()).hasSize(2);
        assertThat(before.debugInfo().unitTypes()).containsOnlyKeys("skeleton");

        Toolchain.run(dir, dwpTool, "-e", "envoy", "-o", "envoy.dwp");
        SymbolReport after = SymbolInspector.inspect(envoy);
        SymbolReport.Dwp dwp = after.debugInfo().split().dwp();
        assertThat(dwp.present()).isTrue();
        assertThat(dwp.error()).isNull();
        assertThat(dwp.indexVersion()).isEqualTo(indexVersion);
        assertThat(dwp.coveredSkeletons()).isEqualTo(2);
        assertThat(dwp.missingDwoIds()).isEmpty();
        // The skeletons get their source names from the split units in the package.
        List<String> names = after.debugInfo().units().stream().map(DwarfUnit::name).sorted().toList();
        String ext = cxx ? ".cc" : ".c";
        assertThat(names).containsExactly("lib" + ext, "main" + ext);
        assertThat(after.debugInfo().units()).allMatch(u -> u.compDir().equals(dir.toString()));

        Path dwpFile = dir.resolve("envoy.dwp");
        List<DwarfDump.Unit> expected = DwarfDump.units(dwpFile, ".debug_info.dwo");
        try (ElfFile file = ElfFile.open(dwpFile)) {
            DwpIndex index = DwpIndex.read(file);
            List<DwarfUnit> splitUnits = index.splitUnits(file).stream()
                    .sorted(Comparator.comparingLong(DwarfUnit::offset)).toList();
            assertThat(splitUnits).extracting(DwarfUnit::name).containsExactlyElementsOf(
                    expected.stream().map(DwarfDump.Unit::name).toList());
            assertThat(splitUnits).allMatch(u -> u.type() == UnitType.SPLIT_COMPILE);
        }
    }

    @Test
    void aDwpForAnotherBuildCoversNothing() throws IOException {
        Toolchain.require("llvm-dwp-14");
        Path a = work.resolve("a");
        Path b = work.resolve("b");
        Path envoy = Toolchain.compile(a, "clang-14", List.of("-g", "-gsplit-dwarf"), Toolchain.writeProgram(a, false), "envoy");
        Files.writeString(Files.createDirectories(b).resolve("other.c"), "int other(void) { return 7; }\nint main(void) { return other(); }\n");
        Toolchain.compile(b, "clang-14", List.of("-g", "-gsplit-dwarf"), List.of("other.c"), "other");
        Toolchain.run(b, "llvm-dwp-14", "-e", "other", "-o", a.resolve("envoy.dwp").toString());

        SymbolReport.Dwp dwp = SymbolInspector.inspect(envoy).debugInfo().split().dwp();
        assertThat(dwp.present()).isTrue();
        assertThat(dwp.coveredSkeletons()).isZero();
        assertThat(dwp.missingDwoIds()).hasSize(2);
    }
}
