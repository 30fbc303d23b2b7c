package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files written for a session, and a launch.json that cannot be read changing nothing. */
class ClientConfigsTest {
    @TempDir
    Path dir;

    SessionSpec spec(Debugger debugger) {
        Path ws = dir.resolve("ws");
        return new SessionSpec(debugger, "127.0.0.1", 40200, ws.resolve("bazel-bin/envoy"),
                SourceMap.of(List.of(new SourceMap.Entry("/proc/self/cwd", ws.toString()))), List.of(), null, "pod-a");
    }

    @Test
    void writesTheSessionsCommandFileAndLaunchJson() throws Exception {
        Path out = dir.resolve(".meshdbg");
        WrittenConfigs written = ClientConfigs.write(spec(Debugger.LLDB), out, dir.resolve("ws"), new ClientEnvironment(null, null));

        assertThat(written.lldbCommands()).isEqualTo(out.resolve("pod-a.lldb")).isRegularFile();
        assertThat(written.gdbCommands()).isNull();
        assertThat(written.commandFile(Debugger.LLDB)).isEqualTo(written.lldbCommands());
        assertThat(Files.readString(written.lldbCommands())).endsWith("gdb-remote 127.0.0.1:40200\n");
        assertThat(written.launchJson()).isEqualTo(dir.resolve("ws/.vscode/launch.json"));
        assertThat(new ObjectMapper().readTree(written.launchJson().toFile()).get("configurations").get(0).get("type").asText())
                .isEqualTo("lldb");
        assertThat(Files.getPosixFilePermissions(written.launchJson())).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));

        // The same session switched to gdb: the lldb file goes (it would pair lldb with gdbserver).
        Files.setPosixFilePermissions(written.launchJson(), PosixFilePermissions.fromString("rw-rw----"));
        WrittenConfigs again = ClientConfigs.write(spec(Debugger.GDB), out, dir.resolve("ws"), new ClientEnvironment(null, null));
        assertThat(again.gdbCommands()).isEqualTo(out.resolve("pod-a.gdb")).isRegularFile();
        assertThat(out.resolve("pod-a.lldb")).doesNotExist();
        assertThat(Files.getPosixFilePermissions(again.launchJson())).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        assertThat(Files.readString(again.launchJson())).contains("\"type\": \"cppdbg\"").doesNotContain("\"type\": \"lldb\"");
        try (var files = Files.list(again.launchJson().getParent())) {
            assertThat(files).containsExactly(again.launchJson()); // no temp file left behind
        }
    }

    @Test
    void withoutAWorkspaceNoLaunchJson() {
        WrittenConfigs written = ClientConfigs.write(spec(Debugger.GDB), dir.resolve("o"), null, new ClientEnvironment(null, null));
        assertThat(written.launchJson()).isNull();
        assertThat(written.gdbCommands()).isRegularFile();
    }

    @Test
    void aLaunchJsonThatIsNotJsoncIsRefusedAndNothingChanges() throws Exception {
        Path launch = Files.createDirectories(dir.resolve("ws/.vscode")).resolve("launch.json");
        String broken = "{\n  \"configurations\": [\n    { \"name\": \"mine\" \n  ]\n}\n";
        Files.writeString(launch, broken);
        Path out = dir.resolve(".meshdbg");

        assertThatThrownBy(() -> ClientConfigs.write(spec(Debugger.LLDB), out, dir.resolve("ws"), new ClientEnvironment(null, null)))
                .isInstanceOf(MeshdbgException.class)
                .hasMessageContaining(launch + " is not JSON with comments (line 4, column 3: expected ',' or '}')")
                .hasMessageContaining("meshdbg changed nothing");
        assertThat(Files.readString(launch)).isEqualTo(broken);
        assertThat(out).doesNotExist();
        try (var files = Files.list(launch.getParent())) {
            assertThat(files).containsExactly(launch);
        }
    }

    @Test
    void connectInstructionsNameEveryWayIn() {
        Path out = dir.resolve(".meshdbg");
        DebuggerInstall lldb = new DebuggerInstall(Debugger.LLDB, Path.of("/usr/bin/lldb-19"),
                DebuggerVersion.parse(Debugger.LLDB, "lldb version 19.1.7"));
        ClientEnvironment env = new ClientEnvironment(lldb, dir.resolve("cache"));
        WrittenConfigs written = ClientConfigs.write(spec(Debugger.LLDB), out, dir.resolve("ws"), env);

        String none = ConnectInstructions.text(ClientKind.NONE, spec(Debugger.LLDB), written, env);
        assertThat(none).contains("lldb-server is ready behind meshdbg's guard at 127.0.0.1:40200")
                .contains("/usr/bin/lldb-19 -s " + out.resolve("pod-a.lldb"))
                .contains("(lldb) gdb-remote 127.0.0.1:40200")
                .contains("Run and Debug \"meshdbg: pod-a\"").contains("CodeLLDB")
                .contains("\"meshdbg: pod-a (lldb-dap)\" with LLDB DAP")
                .contains("index cache is on");
        String vscode = ConnectInstructions.text(ClientKind.VSCODE, spec(Debugger.LLDB), written, env);
        assertThat(vscode).contains("Run and Debug \"meshdbg: pod-a\"").doesNotContain("-s " + out);

        SessionSpec gdbNoSymbols = SessionSpec.loopback(Debugger.GDB, 40201, null, null, "pod-b");
        WrittenConfigs gdbWritten = ClientConfigs.write(gdbNoSymbols, out, dir.resolve("ws"), new ClientEnvironment(null, null));
        assertThat(ConnectInstructions.text(ClientKind.VSCODE, gdbNoSymbols, gdbWritten, new ClientEnvironment(null, null)))
                .contains("pass --symbols");

        DebuggerInstall gdb = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
        ClientEnvironment gdbEnv = new ClientEnvironment(gdb, dir.resolve("cache"));
        WrittenConfigs gdbFile = ClientConfigs.write(spec(Debugger.GDB), out, dir.resolve("ws"), gdbEnv);
        assertThat(ConnectInstructions.text(ClientKind.NONE, spec(Debugger.GDB), gdbFile, gdbEnv))
                .contains("/usr/bin/gdb -x " + out.resolve("pod-a.gdb"))
                .contains("gdb 13.1.0: gdb's index cache is on").contains("meshdbg symbols index FILE");
    }

    @Test
    void clientKindParsesTheFlag() {
        assertThat(ClientKind.parse("VSCode")).isEqualTo(ClientKind.VSCODE);
        assertThat(ClientKind.parse("lldb").terminalDebugger()).isEqualTo(Debugger.LLDB);
        assertThat(ClientKind.parse("none").terminalDebugger()).isNull();
        assertThatThrownBy(() -> ClientKind.parse("cgdb")).isInstanceOf(MeshdbgException.class)
                .hasMessage("--client must be lldb, gdb, vscode or none, not 'cgdb'");
    }
}
