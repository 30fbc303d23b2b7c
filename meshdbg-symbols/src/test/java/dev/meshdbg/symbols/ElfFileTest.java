package dev.meshdbg.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {
    @TempDir
    static Path work;
    static Path program;

    @BeforeAll
    static void build() throws IOException {
        program = Toolchain.compile(work, "gcc", List.of("-g", "-gz=zlib"), Toolchain.writeProgram(work, false), "prog");
    }

    @Test
    void readsIdentityAndSections() {
        try (ElfFile elf = ElfFile.open(program)) {
            assertThat(elf.machine()).isEqualTo("x86_64");
            assertThat(elf.typeName()).isEqualTo("shared-object");
            assertThat(elf.buildId()).map(BuildId::hex).contains(DwarfDump.readelfBuildId(program));
            assertThat(elf.hasDebugInfo()).isTrue();
            assertThat(elf.sectionHeader(".debug_info").orElseThrow().isCompressed()).isTrue();
            ByteBuffer info = elf.section(".debug_info").orElseThrow();
            assertThat((long) info.limit()).isEqualTo(elf.sectionHeader(".debug_info").orElseThrow().uncompressedSize());
            assertThat(info.getShort(4)).as("DWARF version in the decompressed unit header").isEqualTo((short) 5);
            assertThat(elf.section(".no_such_section")).isEmpty();
        }
    }

    @Test
    void strippedBinaryHasNoDebugInfoButTheSameCode() throws IOException {
        Path stripped = work.resolve("prog.stripped");
        Toolchain.run(work, "strip", "-o", stripped.toString(), program.toString());
        SymbolReport report = SymbolInspector.inspect(stripped);
        assertThat(report.debugInfo().present()).isFalse();
        assertThat(report.debugInfo().absentReason()).contains("no .debug_info");
        try (ElfFile a = ElfFile.open(program); ElfFile b = ElfFile.open(stripped)) {
            assertThat(b.hasDebugInfo()).isFalse();
            assertThat(b.buildId()).isEqualTo(a.buildId());
            assertThat(b.loadableCodeHash()).isEqualTo(a.loadableCodeHash());
        }
    }

    @Test
    void onlyKeepDebugFileHasDebugInfoAndNoCode() {
        Path debug = work.resolve("prog.debug");
        Toolchain.run(work, "objcopy", "--only-keep-debug", program.toString(), debug.toString());
        try (ElfFile elf = ElfFile.open(debug)) {
            assertThat(elf.hasDebugInfo()).isTrue();
            assertThat(elf.sectionHeader(".text").orElseThrow().hasFileBytes()).isFalse();
        }
    }

    @Test
    void codeHashTellsDifferentProgramsApartWithoutBuildIds() throws IOException {
        Path dir = Files.createDirectories(work.resolve("nobuildid"));
        Toolchain.writeProgram(dir, false);
        Path a = Toolchain.compile(dir, "gcc", List.of("-g", "-Wl,--build-id=none"), List.of("main.c", "lib.c"), "a");
        Files.writeString(dir.resolve("lib.c"), "int twice(int x) { return 3 * x; }\n");
        Path b = Toolchain.compile(dir, "gcc", List.of("-g", "-Wl,--build-id=none"), List.of("main.c", "lib.c"), "b");
        SymbolReport ra = SymbolInspector.inspect(a);
        assertThat(ra.buildId()).isEmpty();
        assertThat(ra.codeSha256()).hasSize(64);
        assertThat(SymbolInspector.inspect(b).codeSha256()).isNotEqualTo(ra.codeSha256());
    }

    @Test
    void everyBadInputIsOneLineOfBadInput() throws IOException {
        Map<String, Path> cases = BadInputs.make(work.resolve("bad"), program);
        cases.forEach((label, path) -> assertThatThrownBy(() -> SymbolInspector.inspect(path))
                .as(label)
                .isInstanceOfSatisfying(MeshdbgException.class, e -> {
                    assertThat(e.kind()).as(label).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
                    assertThat(e.getMessage()).as(label).doesNotContain("\n").contains(path.toString());
                }));
        assertThatThrownBy(() -> ElfFile.open(cases.get("ELF32"))).hasMessageContaining("32-bit");
        assertThatThrownBy(() -> ElfFile.open(cases.get("big-endian"))).hasMessageContaining("big-endian");
        assertThatThrownBy(() -> ElfFile.open(cases.get("0 bytes"))).hasMessageContaining("empty");
        assertThatThrownBy(() -> ElfFile.open(cases.get("directory"))).hasMessageContaining("directory");
        assertThatThrownBy(() -> ElfFile.open(cases.get("section table past the end"))).hasMessageContaining("past the end");
    }

    @Test
    void buildIdValues() {
        assertThat(BuildId.ofHex("ABCDEF01").hex()).isEqualTo("abcdef01");
        assertThat(BuildId.ofHex("abcdef01")).isEqualTo(BuildId.ofBytes(new byte[] {(byte) 0xab, (byte) 0xcd, (byte) 0xef, 1}));
        assertThat(BuildId.ofHex("00ff").toString()).isEqualTo("00ff");
        assertThatThrownBy(() -> BuildId.ofHex("xyz")).isInstanceOf(MeshdbgException.class);
        assertThatThrownBy(() -> BuildId.ofHex("abc")).isInstanceOf(MeshdbgException.class);
    }
}
