package dev.meshdbg.symbols.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.Toolchain;
import dev.meshdbg.symbols.inspect.SymbolInspector;
import dev.meshdbg.symbols.inspect.SymbolReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code symbols index} on real binaries compiled here, with the real llvm-dwarfutil, checked by
 * the real gdb and lldb; skipped, saying what to install, where a tool is missing.
 */
class AcceleratorIndexTest {
    @TempDir
    static Path work;
    static Path clangBinary;
    static Path gccBinary;

    @BeforeAll
    static void build() throws Exception {
        Path src = work.resolve("src");
        List<String> sources = Toolchain.writeProgram(src, true);
        clangBinary = Toolchain.onPath("clang++-14") ? Toolchain.compile(src, "clang++-14",
                List.of("-g", "-O0", "-Wl,--build-id=sha1"), sources, "envoy-clang") : null;
        gccBinary = Toolchain.onPath("g++") ? Toolchain.compile(src, "g++",
                List.of("-g", "-O0", "-gdwarf-5", "-Wl,--build-id=sha1"), sources, "envoy-gcc") : null;
    }

    static IndexerInstall requireTool(IndexTool kind) {
        Optional<IndexerInstall> tool;
        String missing = "";
        try {
            tool = Optional.of(kind == IndexTool.GDB ? GdbAddIndexLocator.find() : DwarfUtilLocator.find());
        } catch (MeshdbgException e) {
            tool = Optional.empty();
            missing = e.getMessage();
        }
        assumeTrue(tool.isPresent(), missing + " (./setup.sh --deps installs it)");
        return tool.get();
    }

    static Path binary(Path compiled, String name) throws Exception {
        assumeTrue(compiled != null, "the compiler for " + name + " is not installed (./setup.sh --deps)");
        Path dir = Files.createTempDirectory(work, name);
        return Files.copy(compiled, dir.resolve("envoy"));
    }

    @ParameterizedTest
    @EnumSource(IndexTool.class)
    void clangBinaryGetsDebugNamesWithTheSameBuildIdAndDebuggersStillBreak(IndexTool tool) throws Exception {
        requireTool(tool);
        indexAndCheck(binary(clangBinary, "clang"), tool);
    }

    @ParameterizedTest
    @EnumSource(IndexTool.class)
    void gccBinaryGetsDebugNamesWithTheSameBuildIdAndDebuggersStillBreak(IndexTool tool) throws Exception {
        requireTool(tool);
        indexAndCheck(binary(gccBinary, "gcc"), tool);
    }

    private static void indexAndCheck(Path input, IndexTool tool) throws Exception {
        SymbolReport before = SymbolInspector.inspect(input);
        assertThat(before.debugInfo().debugNames()).isFalse();
        List<String> events = new ArrayList<>();
        IndexPlan plan = AcceleratorIndex.plan(new IndexRequest(input, null, false, false, tool));
        assertThat(plan.tool().kind()).isEqualTo(tool);
        assertThat(plan.output()).isEqualTo(input.resolveSibling("envoy.indexed"));
        long debugInfo = readelfSectionSize(input, ".debug_info");
        assertThat(plan.debugInfoBytes()).isEqualTo(debugInfo).isPositive();
        assertThat(plan.memoryNeeded()).isEqualTo(tool == IndexTool.GDB ? 5 * Files.size(input) : 48 * debugInfo);
        IndexResult result = AcceleratorIndex.build(plan, new IndexListener() {
            @Override
            public void started(IndexPlan p) {
                events.add("started");
            }

            @Override
            public void verifying(IndexPlan p) {
                events.add("verifying");
            }
        });
        assertThat(events).containsExactly("started", "verifying");
        Path out = result.output();
        SymbolReport after = SymbolInspector.inspect(out);
        assertThat(after.debugInfo().debugNames()).isTrue();
        assertThat(after.buildId()).isEqualTo(before.buildId()).isPresent();
        assertThat(after.debugInfo().unitCount()).isEqualTo(before.debugInfo().unitCount());
        // Cross-checks by other readers: readelf's build-id note and section list.
        String hex = before.buildId().map(BuildId::hex).orElseThrow();
        assertThat(Toolchain.run(work, "readelf", "-n", out.toString())).contains("Build ID: " + hex);
        assertThat(Toolchain.run(work, "readelf", "-S", "-W", out.toString())).contains(".debug_names");
        assertThat(Files.getPosixFilePermissions(out)).contains(PosixFilePermission.OWNER_EXECUTE);
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("envoy", "envoy.indexed");
        }
        breaksInGdb(out, tool);
        breaksInLldb(out);
    }

    /**
     * gdb runs the indexed copy and stops in count(), called from main, and still resolves file:line.
     * With gdb's own table it resolves count() by name to its source line too. gdb 13 reads LLVM's
     * table but then finds functions by name only through the ELF symbol table (no source line, a
     * plain address): that is why the docs say to give gdb the original after --tool llvm.
     */
    private static void breaksInGdb(Path binary, IndexTool tool) {
        Toolchain.require("gdb");
        if (tool == IndexTool.GDB) {
            String named = Toolchain.run(work, "gdb", "-nx", "-batch", "-ex", "break count", binary.toString());
            assertThat(named).contains("file lib.cc, line 5.");
        }
        String out = Toolchain.run(work, "gdb", "-nx", "-batch", "-ex", "break count", "-ex", "break lib.cc:5",
                "-ex", "run", "-ex", "bt", binary.toString());
        assertThat(out).contains("Breakpoint 2 at").contains("file lib.cc, line 5.")
                .containsPattern("Breakpoint 1, (0x[0-9a-f]+ in )?count ?\\(").containsPattern("#1 .* in main \\(");
    }

    /** lldb 19 (which reads .debug_names) resolves count() from the table and stops there when run. */
    private static void breaksInLldb(Path binary) {
        assumeTrue(Toolchain.onPath("lldb-19"), "lldb-19 is not installed (./setup.sh --deps)");
        String out = Toolchain.run(work, "lldb-19", "--no-lldbinit", "--batch", "-o", "breakpoint set -n count",
                "-o", "process launch", "-o", "bt", "-o", "process kill", binary.toString());
        assertThat(out).containsPattern("Breakpoint 1: where = envoy\\.indexed`count\\(.* at lib\\.cc:5").containsPattern("stop reason = breakpoint 1\\.1")
                .containsPattern("frame #1: .*`main at main\\.cc");
    }

    @Test
    void refusesAFileThatIsNotElf() throws Exception {
        Path text = Files.writeString(Files.createTempDirectory(work, "text").resolve("notes.txt"), "not a binary\n");
        assertBadInput(new IndexRequest(text, null, false, false), "notes.txt");
        assertThat(text.resolveSibling("notes.txt.indexed")).doesNotExist();
    }

    @Test
    void refusesAFileWithoutDebugInfo() throws Exception {
        Path input = binary(gccBinary != null ? gccBinary : clangBinary, "stripped");
        Toolchain.run(input.getParent(), "strip", input.toString());
        assertBadInput(new IndexRequest(input, null, false, false), "has no debug info");
    }

    @Test
    void refusesAFileThatIsAlreadyIndexed() throws Exception {
        requireTool(IndexTool.GDB);
        Path input = binary(clangBinary != null ? clangBinary : gccBinary, "twice");
        IndexResult first = AcceleratorIndex.build(AcceleratorIndex.plan(new IndexRequest(input, null, false, false)),
                IndexListener.NONE);
        Path again = first.output().resolveSibling("again");
        assertBadInput(new IndexRequest(first.output(), again, false, false), "already has a .debug_names");
        assertThat(again).doesNotExist();
        // The first output exists: a second run refuses to overwrite it without being told to.
        assertBadInput(new IndexRequest(input, null, false, false), "already exists");
    }

    @Test
    void refusesAFileWithAGdbIndex() throws Exception {
        Toolchain.require("gdb-add-index");
        Path input = binary(gccBinary != null ? gccBinary : clangBinary, "gdbindex");
        Toolchain.run(input.getParent(), "gdb-add-index", input.toString());
        assertBadInput(new IndexRequest(input, null, false, false), "already has a .gdb_index");
    }

    @Test
    void refusesToWriteOverTheInput() throws Exception {
        Path input = binary(gccBinary != null ? gccBinary : clangBinary, "self");
        assertBadInput(new IndexRequest(input, input, true, false), "is the input itself");
    }

    @Test
    void missingToolNamesThePackage() throws Exception {
        Path input = binary(gccBinary != null ? gccBinary : clangBinary, "notool");
        Path emptyDir = Files.createTempDirectory(work, "no-tools");
        assertThatThrownBy(() -> AcceleratorIndex.plan(new IndexRequest(input, null, false, false, IndexTool.LLVM), List.of(emptyDir)))
                .isInstanceOfSatisfying(MeshdbgException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MeshdbgException.Kind.FAILURE);
                    assertThat(e.getMessage()).contains("apt-get install llvm-19").doesNotContain("\n");
                });
        assertThatThrownBy(() -> AcceleratorIndex.plan(new IndexRequest(input, null, false, false, IndexTool.GDB), List.of(emptyDir)))
                .isInstanceOfSatisfying(MeshdbgException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MeshdbgException.Kind.FAILURE);
                    assertThat(e.getMessage()).contains("apt-get install gdb").doesNotContain("\n");
                });
        assertThat(input.resolveSibling("envoy.indexed")).doesNotExist();
    }

    @Test
    void aCopyOfAnotherBinaryIsRejected() throws Exception {
        IndexerInstall tool = requireTool(IndexTool.LLVM);
        assumeTrue(clangBinary != null && gccBinary != null, "needs both clang++-14 and g++ (./setup.sh --deps)");
        SymbolReport input = SymbolInspector.inspect(clangBinary);
        IndexPlan plan = new IndexPlan(clangBinary, work.resolve("unused"), Files.size(clangBinary),
                input.buildId().map(BuildId::hex).orElseThrow(), null, input.debugInfo().unitCount(), tool, 0, 0, -1, 0, -1, false);
        assertThatThrownBy(() -> AcceleratorIndex.verify(plan, gccBinary))
                .isInstanceOfSatisfying(MeshdbgException.class, e -> assertThat(e.getMessage()).contains("build-id"));
    }

    /** A section's size as readelf reports it: a second reader to check the plan against. */
    private static long readelfSectionSize(Path file, String section) {
        for (String line : Toolchain.run(work, "readelf", "-S", "-W", file.toString()).split("\n")) {
            String[] f = line.replaceFirst("^\\s*\\[\\s*\\d+\\]\\s*", "").trim().split("\\s+");
            if (f.length > 4 && f[0].equals(section)) {
                return Long.parseLong(f[4], 16);
            }
        }
        throw new AssertionError("readelf lists no " + section + " in " + file);
    }

    private static void assertBadInput(IndexRequest request, String message) {
        assertThatThrownBy(() -> AcceleratorIndex.plan(request))
                .isInstanceOfSatisfying(MeshdbgException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
                    assertThat(e.getMessage()).contains(message).doesNotContain("\n");
                });
    }
}
