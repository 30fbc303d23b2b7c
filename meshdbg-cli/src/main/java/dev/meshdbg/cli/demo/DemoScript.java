package dev.meshdbg.cli.demo;

import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.DebuggerInstall;
import dev.meshdbg.client.WrittenConfigs;
import dev.meshdbg.demo.EnvoyLike;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo types into the debugger after meshdbg's own command file has connected it: a
 * breakpoint in the request handler, continue, the variable, detach. The same steps a person
 * would take, run in batch mode so the demo needs no terminal.
 */
final class DemoScript {
    static final String FILE = "envoy_like.cc";
    static final String VARIABLE = "request.path";

    private DemoScript() {
    }

    static List<String> command(DebuggerInstall install, WrittenConfigs configs, EnvoyLike.Build build) {
        int line = build.line("handler");
        String exe = install.executable().toString();
        List<String> command = new ArrayList<>();
        if (install.debugger() == Debugger.GDB) {
            command.addAll(List.of(exe, "-batch", "-nx", "-x", configs.gdbCommands().toString()));
            for (String c : List.of("break " + FILE + ":" + line, "continue", "print " + VARIABLE, "detach")) {
                command.addAll(List.of("-ex", c));
            }
        } else {
            command.addAll(List.of(exe, "-b", "-x", "-s", configs.lldbCommands().toString()));
            for (String c : List.of("breakpoint set -f " + FILE + " -l " + line, "process continue",
                    "frame variable " + VARIABLE, "process detach")) {
                command.addAll(List.of("-o", c));
            }
        }
        return command;
    }

    /** True when the transcript shows a stop in the handler with its source line read through the source map. */
    static boolean stoppedAtHandler(String transcript, EnvoyLike.Build build) {
        String sourceText = "++requests_served";
        return transcript.contains("handle_request") && transcript.lines()
                .anyMatch(l -> l.contains(Integer.toString(build.line("handler"))) && l.contains(sourceText));
    }

    /** The printed value of the variable, e.g. {@code "/demo"}, or null when it was not printed. */
    static String variable(String transcript) {
        return transcript.lines()
                .filter(l -> l.contains("\"/demo\""))
                .findFirst().map(String::strip).orElse(null);
    }
}
