package dev.meshdbg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "meshdbg",
        mixinStandardHelpOptions = true,
        versionProvider = MeshdbgCommand.Version.class,
        description = "Attach lldb, gdb or VSCode to the Envoy sidecar of an Istio pod, and keep it alive.",
        subcommands = {
            CompletionCommand.class,
            dev.meshdbg.cli.symbols.SymbolsCommand.class,
        })
public final class MeshdbgCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version Maven wrote into the jar. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"meshdbg " + current()};
        }

        public static String current() throws IOException {
            Properties p = new Properties();
            try (InputStream in = MeshdbgCommand.class.getResourceAsStream("/meshdbg-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return p.getProperty("version", "unknown");
        }
    }
}
