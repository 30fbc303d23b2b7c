package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshdbg.client.ClientConfigs;
import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.ClientKind;
import dev.meshdbg.client.ConnectInstructions;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.DebuggerLauncher;
import dev.meshdbg.client.Debuggers;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.client.WrittenConfigs;
import dev.meshdbg.symbols.sourcemap.BinarySourceMap;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The local end of an attach: once the agent is ready, writes the lldb/gdb command file (and the
 * VSCode entry for {@code --client vscode}) with the symbols and the source map, and tells how
 * to connect or starts the debugger in this terminal.
 */
final class ClientSide {
    private final ClientKind kind;
    private final Debugger debugger;
    private final Path symbols;
    private final Path sourceRoot;
    private final Path out;
    private final boolean nonStop;
    private SessionSpec session;
    private WrittenConfigs configs;
    private ClientEnvironment env;

    ClientSide(ClientKind kind, Debugger debugger, Path symbols, Path sourceRoot, Path out, boolean nonStop) {
        this.nonStop = nonStop;
        this.kind = kind;
        this.debugger = debugger;
        this.symbols = symbols;
        this.sourceRoot = sourceRoot;
        this.out = out;
    }

    /** The source map, derived before anything starts so a wrong --source-root is refused early. */
    SourceMap sourceMap() {
        if (sourceRoot == null || symbols == null) {
            return SourceMap.empty();
        }
        return BinarySourceMap.derive(symbols, sourceRoot, Optional.empty(), System.getenv().getOrDefault("PATH", ""),
                Path.of(System.getProperty("user.home"))).map();
    }

    /** Writes the configs for a ready agent and records their paths in the event's {@code configs}. */
    void prepare(ObjectNode ready, SourceMap map) {
        long hostPid = ready.path("hostPid").asLong();
        session = new SessionSpec(debugger, ready.path("address").asText(), ready.path("port").asInt(), symbols, map,
                List.of(), Path.of("/proc/" + hostPid + "/root"), "pid-" + hostPid, nonStop);
        env = ClientEnvironment.detect(debugger);
        // The VSCode workspace is the source tree when given, so ${workspaceFolder} paths line up with the source map.
        Path workspace = sourceRoot != null ? sourceRoot : Path.of("");
        configs = ClientConfigs.write(session, out, kind == ClientKind.VSCODE ? workspace : null, env);
        ObjectNode paths = ready.putObject("configs");
        if (configs.lldbCommands() != null) {
            paths.put("lldb", configs.lldbCommands().toString());
        }
        if (configs.gdbCommands() != null) {
            paths.put("gdb", configs.gdbCommands().toString());
        }
        if (configs.launchJson() != null) {
            paths.put("vscode", configs.launchJson().toString());
        }
    }

    String instructions() {
        return ConnectInstructions.text(kind, session, configs, env);
    }

    /** Refuses early when the debugger this client runs is not installed. */
    void checkInstalled() {
        if (runsDebugger()) {
            Debuggers.find(debugger);
        }
    }

    boolean runsDebugger() {
        return kind == ClientKind.LLDB || kind == ClientKind.GDB;
    }

    /** Runs lldb or gdb here until the person quits it. */
    int runDebugger() {
        return DebuggerLauncher.run(env.debugger() != null ? env.debugger() : Debuggers.find(debugger), configs);
    }

    static boolean isReady(JsonNode event) {
        return event.path("event").asText().equals("ready");
    }
}
