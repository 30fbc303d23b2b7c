package dev.meshdbg.cli.kube;

import dev.meshdbg.kube.LocalEndpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to connect a debugger by hand to the forwarded guard. */
final class ConnectCommands {
    private ConnectCommands() {
    }

    static List<String> lines(LocalEndpoint local, String debugger, Path symbols) {
        String file = symbols == null ? "ENVOY" : symbols.toString();
        List<String> lines = new ArrayList<>();
        boolean lldb = "lldb".equals(debugger);
        if (!lldb) {
            lines.add("gdb:  gdb " + file + " -ex 'target remote " + local.address() + "'");
        }
        if (lldb || debugger == null) {
            lines.add("lldb: lldb " + file + " -o 'gdb-remote " + local.address() + "'");
        }
        return lines;
    }

    /** The debugger command line for {@code --client gdb|lldb}. */
    static List<String> command(String client, LocalEndpoint local, Path symbols) {
        List<String> cmd = new ArrayList<>();
        if ("gdb".equals(client)) {
            cmd.add("gdb");
            if (symbols != null) {
                cmd.add(symbols.toString());
            }
            cmd.add("-ex");
            cmd.add("target remote " + local.address());
        } else {
            cmd.add(LldbFinder.find());
            if (symbols != null) {
                cmd.add(symbols.toString());
            }
            cmd.add("-o");
            cmd.add("gdb-remote " + local.address());
        }
        return cmd;
    }
}
