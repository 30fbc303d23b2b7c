package dev.meshdbg.client.vscode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.DebuggerInstall;
import dev.meshdbg.client.DebuggerVersion;
import dev.meshdbg.client.Debuginfod;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Merging meshdbg's entries into launch.json files as people write them. */
class LaunchJsonTest {
    static final Path WS = Path.of("/home/dev/envoy");
    static final Path FILE = WS.resolve(".vscode/launch.json");
    static final ObjectMapper STRICT = new ObjectMapper();
    static final ObjectMapper JSONC = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    static SessionSpec spec(Debugger debugger, int port) {
        SourceMap map = SourceMap.of(List.of(new SourceMap.Entry("/proc/self/cwd", WS.toString()),
                new SourceMap.Entry("/proc/self/cwd/external", "/cache/bazel/external")));
        return new SessionSpec(debugger, "127.0.0.1", port, WS.resolve("bazel-bin/source/exe/envoy-static"), map,
                List.of(), Path.of("/proc/77/root"), "istio-proxy");
    }

    static String merge(String existing, SessionSpec spec) {
        return LaunchJson.merge(existing, FILE, spec, WS, new ClientEnvironment(null, null));
    }

    static final String USER_FILE = """
            {
                // Use IntelliSense to learn about possible attributes.
                "version": "0.2.0",
                "configurations": [
                    {
                        "name": "(gdb) Launch unit test", // the one I use daily
                        "type": "cppdbg",
                        "request": "launch",
                        "program": "${workspaceFolder}/bazel-bin/test/common/http/codec_test",
                        /* keep: args copied from CI */
                        "args": ["--gtest_filter=*Codec*",],
                    },
                ],
            }
            """;

    @Test
    void aNewFileIsStrictJsonWithACodeLldbAndAnLldbDapEntry() throws Exception {
        JsonNode doc = STRICT.readTree(merge(null, spec(Debugger.LLDB, 40123)));
        assertThat(doc.get("version").asText()).isEqualTo("0.2.0");
        assertThat(doc.get("configurations")).hasSize(2);
        JsonNode e = doc.get("configurations").get(0);
        assertThat(e.get("name").asText()).isEqualTo("meshdbg: istio-proxy");
        assertThat(e.get("type").asText()).isEqualTo("lldb");
        assertThat(e.get("request").asText()).isEqualTo("attach");
        assertThat(e.get("initCommands").get(0).asText()).isEqualTo("platform select --sysroot /proc/77/root remote-linux");
        assertThat(e.get("targetCreateCommands").get(0).asText())
                .isEqualTo("target create --no-dependents /home/dev/envoy/bazel-bin/source/exe/envoy-static");
        assertThat(e.get("processCreateCommands").get(0).asText()).isEqualTo("gdb-remote 127.0.0.1:40123");
        // Most specific first, and workspace paths relative to the workspace.
        assertThat(fieldNames(e.get("sourceMap"))).containsExactly("/proc/self/cwd/external", "/proc/self/cwd");
        assertThat(e.get("sourceMap").get("/proc/self/cwd").asText()).isEqualTo("${workspaceFolder}");
        assertThat(e.get("sourceMap").get("/proc/self/cwd/external").asText()).isEqualTo("/cache/bazel/external");
        assertThat(doc.get("configurations").get(1).get("type").asText()).isEqualTo("lldb-dap");
    }

    /** lldb-dap 19 knows no target/process create commands and takes the source map as pairs only. */
    @Test
    void theLldbDapEntryAttachesWithItsOwnCommandsAndPairs() throws Exception {
        DebuggerInstall lldb19 = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb-19"),
                DebuggerVersion.parse(Debugger.LLDB, "lldb version 19.1.7"));
        String text = LaunchJson.merge(null, FILE, spec(Debugger.LLDB, 40123), WS, new ClientEnvironment(lldb19, Path.of("/c/idx")));
        JsonNode e = STRICT.readTree(text).get("configurations").get(1);
        assertThat(e.get("name").asText()).isEqualTo("meshdbg: istio-proxy (lldb-dap)");
        assertThat(e.get("request").asText()).isEqualTo("attach");
        assertThat(STRICT.convertValue(e.get("initCommands"), List.class)).containsExactly(
                "settings set symbols.enable-lldb-index-cache true",
                "settings set symbols.lldb-index-cache-path /c/idx",
                "platform select --sysroot /proc/77/root remote-linux");
        assertThat(STRICT.convertValue(e.get("attachCommands"), List.class)).containsExactly(
                "target create --no-dependents /home/dev/envoy/bazel-bin/source/exe/envoy-static",
                "gdb-remote 127.0.0.1:40123");
        assertThat(STRICT.convertValue(e.get("sourceMap"), List.class)).containsExactly(
                List.of("/proc/self/cwd/external", "/cache/bazel/external"), List.of("/proc/self/cwd", "${workspaceFolder}"));
        assertThat(e.get("exitCommands").get(0).asText()).startsWith("# ").contains("Envoy was detached, not killed");
        assertThat(e.has("targetCreateCommands")).isFalse();

        // An lldb whose index cache cannot be trusted, or none known: no cache settings.
        DebuggerInstall lldb14 = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb"),
                DebuggerVersion.parse(Debugger.LLDB, "lldb version 14.0.6"));
        for (ClientEnvironment env : List.of(new ClientEnvironment(lldb14, Path.of("/c/idx")), new ClientEnvironment(null, null))) {
            JsonNode plain = STRICT.readTree(LaunchJson.merge(null, FILE, spec(Debugger.LLDB, 1), WS, env)).get("configurations").get(1);
            assertThat(STRICT.convertValue(plain.get("initCommands"), List.class))
                    .containsExactly("platform select --sysroot /proc/77/root remote-linux");
        }
    }

    @Test
    void aGdbSessionGetsACpptoolsEntry() throws Exception {
        JsonNode e = STRICT.readTree(merge("", spec(Debugger.GDB, 40124))).get("configurations").get(0);
        assertThat(e.get("type").asText()).isEqualTo("cppdbg");
        assertThat(e.get("request").asText()).isEqualTo("launch");
        assertThat(e.get("MIMode").asText()).isEqualTo("gdb");
        assertThat(e.get("miDebuggerServerAddress").asText()).isEqualTo("127.0.0.1:40124");
        assertThat(e.get("program").asText()).isEqualTo("${workspaceFolder}/bazel-bin/source/exe/envoy-static");
        assertThat(fieldNames(e.get("sourceFileMap"))).containsExactly("/proc/self/cwd/external", "/proc/self/cwd");
        assertThat(e.get("setupCommands").findValuesAsText("text")).contains("set sysroot /proc/77/root")
                .doesNotContain("set non-stop on");
    }

    @Test
    void aNonStopGdbSessionSetsNonStopInTheCpptoolsSetup() throws Exception {
        JsonNode e = STRICT.readTree(merge("", spec(Debugger.GDB, 40124).withNonStop(true))).get("configurations").get(0);
        // cpptools runs setupCommands before it connects to miDebuggerServerAddress, as gdb needs.
        assertThat(e.get("setupCommands").findValuesAsText("text")).contains("set non-stop on");
    }

    /** Every VSCode entry carries the debuginfod settings of its debugger, before the target is created. */
    @Test
    void theEntriesCarryTheDebuginfodServers() throws Exception {
        Debuginfod servers = Debuginfod.parse("http://127.0.0.1:8002");
        DebuggerInstall lldb19 = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb-19"),
                DebuggerVersion.parse(Debugger.LLDB, "lldb version 19.1.7"));
        JsonNode lldb = STRICT.readTree(LaunchJson.merge(null, FILE, spec(Debugger.LLDB, 1), WS,
                new ClientEnvironment(lldb19, null, servers))).get("configurations");
        String locator = "settings set plugin.symbol-locator.debuginfod.server-urls http://127.0.0.1:8002";
        assertThat(lldb.get(0).get("initCommands").get(0).asText()).isEqualTo(locator);
        assertThat(lldb.get(1).get("initCommands").get(0).asText()).isEqualTo(locator);

        DebuggerInstall gdb13 = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
        JsonNode cpptools = STRICT.readTree(LaunchJson.merge(null, FILE, spec(Debugger.GDB, 2), WS,
                new ClientEnvironment(gdb13, null, servers))).get("configurations").get(0);
        assertThat(cpptools.get("setupCommands").findValuesAsText("text")).containsSubsequence(
                "set debuginfod urls http://127.0.0.1:8002", "set debuginfod enabled on", "set sysroot /proc/77/root");
        JsonNode off = STRICT.readTree(LaunchJson.merge(null, FILE, spec(Debugger.GDB, 2), WS,
                new ClientEnvironment(gdb13, null, Debuginfod.NONE))).get("configurations").get(0);
        assertThat(off.get("setupCommands").findValuesAsText("text")).contains("set debuginfod enabled off");
    }

    @Test
    void theCpptoolsEntryTurnsGdbsIndexCacheOnBeforeTheProgramLoads() throws Exception {
        DebuggerInstall gdb = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
        String merged = LaunchJson.merge("", FILE, spec(Debugger.GDB, 40124), WS,
                new ClientEnvironment(gdb, Path.of("/home/dev/.cache/meshdbg/lldb-index-cache")));
        JsonNode e = STRICT.readTree(merged).get("configurations").get(0);
        assertThat(e.get("setupCommands").findValuesAsText("text")).containsExactly("-enable-pretty-printing",
                "set index-cache directory /home/dev/.cache/meshdbg/gdb-index-cache", "set index-cache enabled on",
                "set debuginfod enabled off", "set sysroot /proc/77/root");
        assertThat(e.get("miDebuggerPath").asText()).isEqualTo("/usr/bin/gdb");
    }

    @Test
    void keepsTheUsersEntriesAndCommentsAndAddsOurs() throws Exception {
        String merged = merge(USER_FILE, spec(Debugger.LLDB, 40123));
        // Every line of the user's file is still there, comments included.
        for (String line : USER_FILE.lines().toList()) {
            if (!line.isBlank()) {
                assertThat(merged).contains(line.strip());
            }
        }
        JsonNode configs = JSONC.readTree(merged).get("configurations");
        assertThat(configs).hasSize(3);
        assertThat(configs.get(0).get("name").asText()).isEqualTo("(gdb) Launch unit test");
        assertThat(configs.get(0).get("args").get(0).asText()).isEqualTo("--gtest_filter=*Codec*");
        assertThat(configs.get(1).get("name").asText()).isEqualTo("meshdbg: istio-proxy");
        // Our entry takes the file's indentation.
        assertThat(merged).contains("\n        {\n            \"name\": \"meshdbg: istio-proxy\",");
    }

    @Test
    void replacesEarlierMeshdbgEntriesOnly() throws Exception {
        String first = merge(USER_FILE, spec(Debugger.LLDB, 1111));
        String withOtherUserEntry = first.replace("        }\n    ],",
                "        },\n        {\"name\": \"mine\", \"type\": \"lldb\", \"request\": \"launch\", \"program\": \"a\"}, // after ours\n    ],");
        assertThat(withOtherUserEntry).isNotEqualTo(first);
        String second = merge(withOtherUserEntry, spec(Debugger.GDB, 2222));

        JsonNode configs = JSONC.readTree(second).get("configurations");
        List<String> names = new ArrayList<>();
        configs.forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).containsExactly("(gdb) Launch unit test", "mine", "meshdbg: istio-proxy");
        assertThat(configs.get(2).get("type").asText()).isEqualTo("cppdbg");
        assertThat(second).doesNotContain("1111").contains("// after ours").contains("/* keep: args copied from CI */");
        // Merging again changes nothing.
        assertThat(merge(second, spec(Debugger.GDB, 2222))).isEqualTo(second);
    }

    @Test
    void withoutCommentsOrTrailingCommasTheResultIsStrictJson() throws Exception {
        String plain = """
                {
                  "version": "0.2.0",
                  "configurations": [
                    {"name": "meshdbg: old", "type": "lldb", "request": "attach"},
                    {"name": "user", "type": "cppdbg", "request": "launch", "program": "x"},
                    {"name": "meshdbg: older", "type": "lldb", "request": "attach"}
                  ]
                }
                """;
        String merged = merge(plain, spec(Debugger.LLDB, 5000));
        JsonNode configs = STRICT.readTree(merged).get("configurations");
        assertThat(configs).hasSize(3);
        assertThat(configs.get(0).get("name").asText()).isEqualTo("user");
        assertThat(configs.get(1).get("processCreateCommands").get(0).asText()).isEqualTo("gdb-remote 127.0.0.1:5000");
        assertThat(merged).contains("\n    {\n      \"name\": \"meshdbg: istio-proxy\",");

        for (String compact : List.of("{\"configurations\":[]}", "{}", "{\"version\":\"0.2.0\",\"configurations\":[{\"name\":\"meshdbg: x\"}]}",
                "{\"configurations\":[{\"name\":\"u\"}]}", "\r\n{\r\n  \"configurations\": [\r\n  ]\r\n}\r\n")) {
            JsonNode doc = STRICT.readTree(merge(compact, spec(Debugger.GDB, 6000)));
            assertThat(doc.get("configurations").get(doc.get("configurations").size() - 1).get("miDebuggerServerAddress").asText())
                    .as(compact).isEqualTo("127.0.0.1:6000");
        }
    }

    @Test
    void commentMarkersInsideStringsAreText() throws Exception {
        String text = "{\"configurations\": [{\"name\": \"u\", \"url\": \"http://x/* y */\", \"esc\": \"a\\\"//b\\u00e9\"}]}";
        JsonNode configs = STRICT.readTree(merge(text, spec(Debugger.LLDB, 9))).get("configurations");
        assertThat(configs.get(0).get("url").asText()).isEqualTo("http://x/* y */");
        assertThat(configs.get(0).get("esc").asText()).isEqualTo("a\"//b\u00e9");
        assertThat(configs).hasSize(3);
    }

    @Test
    void refusesWhatIsNotJsonWithComments() {
        for (String bad : List.of("configurations: []", "{\"configurations\": [}", "{\"a\": 1} trailing", "[1, 2]",
                "{\"configurations\": {\"name\": \"x\"}}", "{\"a\": 'single'}", "/* never closed {}")) {
            assertThatThrownBy(() -> merge(bad, spec(Debugger.LLDB, 1)))
                    .as(bad).isInstanceOf(MeshdbgException.class)
                    .hasMessageStartingWith(FILE.toString())
                    .hasMessageContaining("meshdbg changed nothing")
                    .satisfies(e -> assertThat(((MeshdbgException) e).exitCode()).isEqualTo(2));
        }
        assertThatThrownBy(() -> merge("{\n  \"version\": \"0.2.0\",\n  \"configurations\": [\n    {\"name\": x}\n  ]\n}", spec(Debugger.LLDB, 1)))
                .hasMessageContaining("line 4, column 14");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
