package dev.meshdbg.cli.kube;

import dev.meshdbg.client.ClientConfigs;
import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.ClientKind;
import dev.meshdbg.client.ConnectInstructions;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.DebuggerLauncher;
import dev.meshdbg.client.Debuggers;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.client.WrittenConfigs;
import dev.meshdbg.kube.SessionHandler;
import dev.meshdbg.symbols.sourcemap.BinarySourceMap;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The client end of a cluster session, chosen by {@code --client}: the client module writes the
 * lldb/gdb command file (symbols, source map) and, for vscode, the launch.json entry, against the
 * forwarded loopback address. {@code gdb}/{@code lldb} then run in this terminal and the session
 * ends when they exit; {@code none} and {@code vscode} print how to connect and wait for Ctrl-C
 * or the agent's end. Replaceable through {@link KubeAttachCommand#clientSteps}.
 */
public interface ClientStep {
    enum Client { none, gdb, lldb, vscode }

    /** What the client layer gets from the attach command line; {@code out} is where text goes. */
    record Request(Client client, Path symbols, Path sourceRoot, Path out, String debugger, PrintWriter text,
                   boolean json, boolean nonStop) {
    }

    /** Called before anything changes in the cluster: bad input (no debugger, bad source root) is refused here. */
    SessionHandler handler(Request request);

    static ClientStep builtIn() {
        return request -> {
            Debugger debugger = Debugger.valueOf(request.debugger().toUpperCase(Locale.ROOT));
            ClientKind kind = ClientKind.parse(request.client().name());
            boolean runs = kind == ClientKind.GDB || kind == ClientKind.LLDB;
            if (runs) {
                Debuggers.find(debugger); // not installed: say so before creating anything
            }
            SourceMap map = sourceMap(request);
            return context -> {
                String name = ("pod-" + context.target().podName()).replaceAll("[^A-Za-z0-9._-]", "-");
                SessionSpec spec = SessionSpec.loopback(debugger, context.endpoint().port(), request.symbols(), map,
                        name.length() > 100 ? name.substring(0, 100) : name).withNonStop(request.nonStop());
                ClientEnvironment env = ClientEnvironment.detect(debugger);
                WrittenConfigs configs = ClientConfigs.write(spec, request.out(),
                        kind == ClientKind.VSCODE ? Path.of("") : null, env);
                if (runs) {
                    DebuggerLauncher.run(env.debugger() != null ? env.debugger() : Debuggers.find(debugger), configs);
                    return;
                }
                if (!request.json()) {
                    request.text().print(ConnectInstructions.text(kind, spec, configs, env));
                    request.text().flush();
                }
                context.ended().join();
            };
        };
    }

    private static SourceMap sourceMap(Request request) {
        if (request.sourceRoot() == null || request.symbols() == null) {
            return SourceMap.empty();
        }
        return BinarySourceMap.derive(request.symbols(), request.sourceRoot(), Optional.empty(),
                System.getenv().getOrDefault("PATH", ""), Path.of(System.getProperty("user.home"))).map();
    }
}
