package dev.meshdbg.cli.kube;

import dev.meshdbg.cli.attach.AttachCommand;
import dev.meshdbg.errors.MeshdbgException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code attach --local ...}: one {@code attach} command for both paths. The arguments go unchanged
 * to the local attach command, parsed by its own definition; its errors reach the same handler.
 */
final class LocalAttach {
    private LocalAttach() {
    }

    static int run(CommandSpec attach) throws Exception {
        List<String> all = attach.commandLine().getParseResult().originalArgs();
        List<String> args = all.subList(all.indexOf(attach.name()) + 1, all.size());
        AttachCommand command = new AttachCommand();
        CommandLine cli = new CommandLine(command);
        cli.setOut(attach.commandLine().getOut());
        cli.setErr(attach.commandLine().getErr());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw MeshdbgException.badInput(e.getMessage());
        }
        return command.call();
    }
}
