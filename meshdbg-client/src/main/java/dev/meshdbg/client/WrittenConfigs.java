package dev.meshdbg.client;

import java.nio.file.Path;

/**
 * The files {@link ClientConfigs#write} wrote. Only the command file of the session's own debugger
 * is written (the other would pair a debugger with the wrong debug server), so the other is null;
 * {@code launchJson} is null when no workspace was given.
 */
public record WrittenConfigs(Path lldbCommands, Path gdbCommands, Path launchJson) {
    /** The command file for this debugger, or null when the session is for the other one. */
    public Path commandFile(Debugger debugger) {
        return debugger == Debugger.LLDB ? lldbCommands : gdbCommands;
    }
}
