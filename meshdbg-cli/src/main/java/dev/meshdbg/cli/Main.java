package dev.meshdbg.cli;

import dev.meshdbg.errors.MeshdbgException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: wires the commands, and turns exceptions into one line and an exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs meshdbg as the process would, without exiting: for tests and the kubectl plugin. */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree: for help, completion and tests. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The tree {@code args} need: only the named command when the first argument names one. */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new MeshdbgCommand());
        String first = args.length > 0 ? args[0] : "";
        var wanted = MeshdbgCommand.COMMANDS.containsKey(first) && !first.equals("completion")
                ? java.util.Map.of(first, MeshdbgCommand.COMMANDS.get(first)) : MeshdbgCommand.COMMANDS;
        if (first.equals("attach") && java.util.Arrays.asList(args).contains("--local")) {
            // One `attach` for both paths; each has its own options and help.
            wanted = java.util.Map.of(first, dev.meshdbg.cli.attach.AttachCommand::new);
        }
        if (first.equals("stacks") && java.util.Arrays.asList(args).contains("--local")) {
            wanted = java.util.Map.of(first, dev.meshdbg.cli.stacks.LocalStacksCommand::new);
        }
        wanted.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler(Main::badArguments);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    /** A command line picocli cannot parse: one line saying what and where to look, exit 2. */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = e.getMessage().strip().replace('\n', ' ');
        cmd.getErr().println("meshdbg: " + message + " (see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
        cmd.getErr().flush();
        return ExitCodes.BAD_INPUT;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof MeshdbgException m) {
            err.println("meshdbg: " + m.getMessage());
            if (System.getenv("MESHDBG_DEBUG") != null) {
                m.printStackTrace(err);
            }
            err.flush();
            return m.exitCode();
        }
        err.println("meshdbg: internal error: " + e);
        if (System.getenv("MESHDBG_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("meshdbg: set MESHDBG_DEBUG=1 for the stack trace, and please report it");
        }
        err.flush();
        return ExitCodes.FAILURE;
    }
}
