package dev.meshdbg.cli.kube;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.SessionHandler;
import java.nio.file.Path;
import java.util.List;

/**
 * The client end of a cluster session, chosen by {@code --client}. {@code none} waits for Ctrl-C or
 * the agent's end; {@code gdb}/{@code lldb} run that debugger in this terminal against the forward,
 * and the session ends when it exits. The client module replaces this with its command files and
 * launch.json via {@link KubeAttachCommand#clientSteps}.
 */
public interface ClientStep {
    enum Client { none, gdb, lldb, vscode }

    /** What the client layer gets from the attach command line. */
    record Request(Client client, Path symbols, Path sourceRoot, Path out, String debugger) {
    }

    SessionHandler handler(Request request);

    /** The built-in step: wait, or run gdb/lldb with just the symbols and the remote address. */
    static ClientStep builtIn() {
        return request -> switch (request.client()) {
            case none -> SessionHandler.waitForEnd();
            case gdb, lldb -> context -> runDebugger(ConnectCommands.command(request.client().name(), context.endpoint(),
                    request.symbols()));
            case vscode -> throw MeshdbgException.badInput("--client vscode is not available for cluster sessions in this"
                    + " build: use --client none and attach VSCode to the printed address");
        };
    }

    private static void runDebugger(List<String> command) throws Exception {
        // Ctrl-C belongs to the debugger (it interrupts Envoy through the guard), not to us.
        var ignore = new sun.misc.Signal("INT");
        sun.misc.SignalHandler previous;
        try {
            previous = sun.misc.Signal.handle(ignore, sig -> { });
        } catch (IllegalArgumentException alreadyIgnored) {
            previous = null;
        }
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            p.waitFor();
        } catch (java.io.IOException e) {
            throw MeshdbgException.badInput("cannot run " + command.get(0) + ": " + e.getMessage()
                    + "; install it or use --client none");
        } finally {
            if (previous != null) {
                sun.misc.Signal.handle(ignore, previous);
            }
        }
    }
}
