package dev.meshdbg.cli.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.cli.CliRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The symbols commands through the real entry point: exit codes, one-line errors, the JSON schema. */
class SymbolsCommandTest {
    @TempDir
    static Path work;
    static Path program;


    @BeforeAll
    static void build() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed (./setup.sh --deps)");
        Files.writeString(work.resolve("main.c"), "int main(void) { return 0; }\n");
        Process p = new ProcessBuilder("gcc", "-g", "-fdebug-prefix-map=" + work + "=/proc/self/cwd", "main.c", "-o", "envoy")
                .directory(work.toFile()).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        program = work.resolve("envoy");
    }

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void inspectJsonFollowsTheSchema() throws IOException {
        CliRun r = run("symbols", "inspect", "-o", "json", program.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("machine").asText()).isEqualTo("x86_64");
        assertThat(json.get("elfClass").asText()).isEqualTo("ELF64");
        assertThat(json.get("buildId").asText()).matches("[0-9a-f]{40}");
        JsonNode d = json.get("debugInfo");
        assertThat(d.get("present").asBoolean()).isTrue();
        assertThat(d.get("dwarfVersions").get("5").asInt()).isEqualTo(1);
        assertThat(d.get("units").get("total").asInt()).isEqualTo(1);
        assertThat(d.get("compDirs").get(0).get("path").asText()).isEqualTo("/proc/self/cwd");
        assertThat(d.get("sourcePrefixes").get(0).get("kind").asText()).isEqualTo("workspace");
        assertThat(d.get("accelerators").has("gdbIndex")).isTrue();
        assertThat(d.has("splitDwarf")).isTrue();
        assertThat(d.has("unitList")).isFalse();
        JsonNode withUnits = new ObjectMapper().readTree(run("symbols", "inspect", "-o", "json", "--units", program.toString()).out());
        assertThat(withUnits.get("debugInfo").get("unitList").get(0).get("name").asText()).isEqualTo("main.c");
    }

    @Test
    void inspectTextAndStrippedBinary() throws Exception {
        CliRun r = run("symbols", "inspect", program.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("DWARF 5 (1 units)").contains("/proc/self/cwd");
        Path stripped = work.resolve("envoy.stripped");
        Process p = new ProcessBuilder("strip", "-o", stripped.toString(), program.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        CliRun s = run("symbols", "inspect", stripped.toString());
        assertThat(s.exitCode()).isZero();
        assertThat(s.out()).contains("no debug info");
    }

    @Test
    void sourcemapMapsProcSelfCwdToTheCheckout() throws IOException {
        CliRun r = run("symbols", "sourcemap", "-o", "json", program.toString(), "--source-root", work.toString(),
                "--execution-root", work.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("sourceMap").toString()).contains("\"remotePrefix\":\"/proc/self/cwd\",\"localPath\":\"" + work + "\"");
        assertThat(json.get("coverage").get("found").asInt()).isEqualTo(1);
        assertThat(json.get("executionRoot").get("foundBy").asText()).isEqualTo("--execution-root");
    }

    @Test
    void findListsOutputsAsJson() throws IOException {
        Path checkout = Files.createDirectories(work.resolve("checkout/bazel-bin/source/exe"));
        Files.copy(program, checkout.resolve("envoy-static"));
        CliRun r = run("symbols", "find", "-o", "json", "--source-root", work.resolve("checkout").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode builds = new ObjectMapper().readTree(r.out()).get("builds");
        assertThat(builds).hasSize(1);
        assertThat(builds.get(0).get("hasDebugInfo").asBoolean()).isTrue();
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws IOException {
        byte[] elf = Files.readAllBytes(program);
        Map<String, Path> cases = new LinkedHashMap<>();
        cases.put("missing", work.resolve("nope"));
        cases.put("directory", work);
        cases.put("empty", Files.write(work.resolve("empty"), new byte[0]));
        cases.put("truncated", Files.write(work.resolve("truncated"), Arrays.copyOf(elf, elf.length / 3)));
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        cases.put("random", Files.write(work.resolve("random"), random));
        byte[] elf32 = elf.clone();
        elf32[4] = 1;
        cases.put("elf32", Files.write(work.resolve("elf32"), elf32));
        byte[] be = elf.clone();
        be[5] = 2;
        cases.put("big-endian", Files.write(work.resolve("big-endian"), be));
        byte[] past = elf.clone();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putLong(40, elf.length + 100L);
        cases.put("section table past the end", Files.write(work.resolve("past-end"), past));
        for (Map.Entry<String, Path> c : cases.entrySet()) {
            for (String[] args : new String[][] {
                    {"symbols", "inspect", c.getValue().toString()},
                    {"symbols", "inspect", "-o", "json", c.getValue().toString()},
                    {"symbols", "sourcemap", c.getValue().toString(), "--source-root", work.toString()}}) {
                CliRun r = run(args);
                assertThat(r.exitCode()).as(c.getKey() + " " + String.join(" ", args)).isEqualTo(2);
                assertThat(r.err().strip().lines().count()).as(c.getKey() + ": " + r.err()).isEqualTo(1);
                assertThat(r.err()).startsWith("meshdbg: ").doesNotContain("Exception").doesNotContain("\tat ");
                assertThat(r.out()).isEmpty();
            }
        }
        CliRun noRoot = run("symbols", "sourcemap", program.toString(), "--source-root", work.resolve("nope").toString());
        assertThat(noRoot.exitCode()).isEqualTo(2);
        assertThat(noRoot.err()).contains("not a directory");
    }
}
