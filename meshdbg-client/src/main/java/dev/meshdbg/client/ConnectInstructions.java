package dev.meshdbg.client;

import dev.meshdbg.client.vscode.LaunchEntries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What to tell a person once the guard listens: how to connect with each client they may use. */
public final class ConnectInstructions {
    private ConnectInstructions() {
    }

    /** Lines of text for {@code --client none} (every way in) or {@code --client vscode} (the VSCode steps). */
    public static String text(ClientKind kind, SessionSpec spec, WrittenConfigs configs, ClientEnvironment env) {
        List<String> lines = new ArrayList<>();
        Debugger debugger = spec.debugger();
        lines.add("Session " + spec.name() + ": " + debugger.debugServer() + " is ready behind meshdbg's guard at "
                + spec.address() + "; connect with " + debugger.command() + " only (the other debugger does not pair with "
                + debugger.debugServer() + ").");
        if (kind != ClientKind.VSCODE) {
            Path file = configs.commandFile(debugger);
            if (file != null) {
                String executable = env.debugger() != null ? env.debugger().executable().toString() : debugger.command();
                lines.add("  " + debugger.command() + ":  " + executable + (debugger == Debugger.LLDB ? " -s " : " -x ") + file);
            }
            lines.add("  by hand: " + (debugger == Debugger.LLDB ? "(lldb) gdb-remote " : "(gdb) target remote ") + spec.address()
                    + (spec.symbols() == null ? "" : " after loading " + spec.symbols()));
        }
        lines.addAll(vscode(spec, configs, env));
        if (env.debugger() != null && env.debugger().debugger() == debugger) {
            lines.add("  " + env.debugger().indexCacheAdvice());
        }
        lines.add("End with 'detach' or just quit the debugger: meshdbg detaches, removes breakpoints and keeps the target running.");
        return String.join("\n", lines) + "\n";
    }

    private static List<String> vscode(SessionSpec spec, WrittenConfigs configs, ClientEnvironment env) {
        if (configs.launchJson() == null) {
            return List.of();
        }
        if (spec.debugger() == Debugger.GDB && spec.symbols() == null) {
            return List.of("  VSCode: no launch configuration: the C/C++ extension needs a local program, pass --symbols");
        }
        String open = "  VSCode: open " + configs.launchJson().getParent().getParent() + ", then Run and Debug \"";
        if (spec.debugger() == Debugger.GDB) {
            return List.of(open + LaunchEntries.name(spec) + "\" (needs the C/C++ (ms-vscode.cpptools) extension; "
                    + configs.launchJson() + ")");
        }
        String adapter = env.debugger() == null ? null : env.debugger().lldbDap().map(Path::toString).orElse(null);
        return List.of(open + LaunchEntries.name(spec) + "\" with CodeLLDB (vadimcn.vscode-lldb), or \""
                        + LaunchEntries.lldbDapName(spec) + "\" with LLDB DAP (llvm-vs-code-extensions.lldb-dap; "
                        + configs.launchJson() + ")",
                "  LLDB DAP runs the adapter named by its setting lldb-dap.executable-path"
                        + (adapter == null ? " (lldb-dap of lldb 19 or newer)" : ": " + adapter));
    }
}
