package dev.meshdbg.cli.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.index.DwarfUtilLocator;
import dev.meshdbg.symbols.index.GdbAddIndexLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshdbg symbols index} through the real entry point: JSON events, exit codes, one-line errors. */
class IndexCommandTest {
    @TempDir
    static Path work;
    static Path program;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed (./setup.sh --deps)");
        Files.writeString(work.resolve("main.c"), "int handle(int r) { return r + 1; }\nint main(void) { return handle(0) - 1; }\n");
        Process p = new ProcessBuilder("gcc", "-g", "main.c", "-o", "envoy").directory(work.toFile()).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        program = work.resolve("envoy");
    }

    private static void requireTool(boolean llvm) {
        String missing = null;
        try {
            if (llvm) {
                DwarfUtilLocator.find();
            } else {
                GdbAddIndexLocator.find();
            }
        } catch (MeshdbgException e) {
            missing = e.getMessage();
        }
        assumeTrue(missing == null, missing + " (./setup.sh --deps installs it)");
    }

    @Test
    void jsonEventsAndAnIndexedCopyThatInspectReports() throws Exception {
        requireTool(false);
        Path out = work.resolve("out/envoy.idx");
        Files.createDirectories(out.getParent());
        CliRun r = CliRun.of("symbols", "index", "-o", "json", "--out", out.toString(), program.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            events.add(json.readTree(line));
        }
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("started", "verifying", "indexed");
        JsonNode started = events.get(0);
        assertThat(started.get("debugInfoBytes").asLong()).isPositive();
        assertThat(started.get("memoryNeededBytes").asLong()).isEqualTo(5 * Files.size(program));
        assertThat(started.get("tool").asText()).isEqualTo("gdb");
        assertThat(started.get("toolPath").asText()).endsWith("gdb-add-index");
        JsonNode done = events.get(2);
        assertThat(done.get("output").asText()).isEqualTo(out.toString());
        assertThat(done.get("buildId").asText()).matches("[0-9a-f]{40}");
        assertThat(done.get("debugNames").asBoolean()).isTrue();

        JsonNode inspected = json.readTree(CliRun.of("symbols", "inspect", "-o", "json", out.toString()).out());
        assertThat(inspected.get("debugInfo").get("accelerators").get("debugNames").asBoolean()).isTrue();
        assertThat(inspected.get("buildId").asText()).isEqualTo(done.get("buildId").asText());

        // Indexing the copy again, or writing over it, is refused with one line and exit code 2.
        assertOneLineBadInput(CliRun.of("symbols", "index", out.toString()), "already has a .debug_names");
        assertThat(out.resolveSibling("envoy.idx.indexed")).doesNotExist();
        assertOneLineBadInput(CliRun.of("symbols", "index", "--out", out.toString(), program.toString()), "already exists");
    }

    @Test
    void textOutputSaysWhatItWroteAndHowToUseIt() throws Exception {
        requireTool(true);
        Path dir = Files.createDirectories(work.resolve("text"));
        Path input = Files.copy(program, dir.resolve("envoy"));
        CliRun r = CliRun.of("symbols", "index", "--tool", "llvm", input.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("indexing " + input).contains("llvm-dwarfutil").contains("48x the size of .debug_info")
                .contains("wrote " + dir.resolve("envoy.indexed")).contains("--symbols " + dir.resolve("envoy.indexed"));
        assertThat(dir.resolve("envoy.indexed")).isExecutable();
    }

    @Test
    void notElfIsOneLineAndExitCode2() throws Exception {
        Path text = Files.writeString(work.resolve("notes.txt"), "not a binary\n");
        assertOneLineBadInput(CliRun.of("symbols", "index", text.toString()), "notes.txt");
        assertOneLineBadInput(CliRun.of("symbols", "index", work.resolve("missing").toString()), "missing");
        assertOneLineBadInput(CliRun.of("symbols", "index", "--tool", "lld", program.toString()), "unknown --tool 'lld'");
        assertThat(work.resolve("notes.txt.indexed")).doesNotExist();
    }

    private static void assertOneLineBadInput(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("meshdbg: ").contains(message).doesNotContain("\n");
    }
}
