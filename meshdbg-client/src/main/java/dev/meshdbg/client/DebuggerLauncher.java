package dev.meshdbg.client;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs lldb or gdb in this terminal with a session's command file ({@code --client lldb|gdb}) and
 * returns its exit code when the person quits it. While it runs, Ctrl-C belongs to the debugger
 * (it interrupts the target); this JVM ignores it so the session is not torn down under the debugger.
 */
public final class DebuggerLauncher {
    private DebuggerLauncher() {
    }

    /** The command line: {@code lldb-19 -s FILE} or {@code gdb -x FILE}. */
    public static List<String> command(DebuggerInstall install, Path commandFile) {
        String file = commandFile.toAbsolutePath().toString();
        return install.debugger() == Debugger.LLDB
                ? List.of(install.executable().toString(), "-s", file)
                : List.of(install.executable().toString(), "-x", file);
    }

    /** Runs the session's debugger with its command file from {@code configs}. */
    public static int run(DebuggerInstall install, WrittenConfigs configs) {
        Path file = configs.commandFile(install.debugger());
        if (file == null) {
            throw MeshdbgException.badInput("this session's debug server does not pair with " + install.debugger().command()
                    + ": use --client " + (install.debugger() == Debugger.LLDB ? "gdb" : "lldb") + " or attach again with the other debugger");
        }
        return run(install, file);
    }

    /** Runs the debugger attached to this terminal and waits until it exits. */
    public static int run(DebuggerInstall install, Path commandFile) {
        if (!Files.isRegularFile(commandFile)) {
            throw MeshdbgException.badInput("no command file at " + commandFile);
        }
        ProcessBuilder builder = new ProcessBuilder(command(install, commandFile)).inheritIO();
        InterruptShield shield = InterruptShield.raise();
        try {
            Process debugger = builder.start();
            try {
                return debugger.waitFor();
            } catch (InterruptedException e) {
                // Our own thread was interrupted (the session is ending): the debugger goes too.
                debugger.destroy();
                Thread.currentThread().interrupt();
                throw MeshdbgException.failure(install.debugger().command() + " was stopped because the session ended", e);
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run " + install.executable() + ": " + e.getMessage(), e);
        } finally {
            shield.close();
        }
    }
}
