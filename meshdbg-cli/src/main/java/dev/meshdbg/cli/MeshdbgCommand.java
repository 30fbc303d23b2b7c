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
            // attach: the cluster path; with --local it hands over to dev.meshdbg.cli.attach.AttachCommand.
            dev.meshdbg.cli.kube.KubeAttachCommand.class, dev.meshdbg.cli.kube.SidecarCommand.class, dev.meshdbg.cli.kube.CleanupCommand.class,
            dev.meshdbg.cli.demo.DemoCommand.class,
            dev.meshdbg.cli.symbols.SymbolsCommand.class,
            dev.meshdbg.cli.image.ImageCommand.class, dev.meshdbg.cli.image.DoctorCommand.class,
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
