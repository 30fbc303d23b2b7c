package dev.meshdbg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "meshdbg",
        mixinStandardHelpOptions = true,
        versionProvider = MeshdbgCommand.Version.class,
        description = "Attach lldb, gdb or VSCode to the Envoy sidecar of an Istio pod, and keep it alive.")
public final class MeshdbgCommand implements Runnable {
    /**
     * The subcommands, by name. picocli reflects over every registered command class at start-up;
     * a run that names its command registers only that one, which keeps {@code symbols inspect}
     * from paying for the cluster and image commands' option models.
     */
    static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> c = new LinkedHashMap<>();
        c.put("demo", dev.meshdbg.cli.demo.DemoCommand::new);
        // attach: the cluster path; with --local it hands over to dev.meshdbg.cli.attach.AttachCommand.
        c.put("attach", dev.meshdbg.cli.kube.KubeAttachCommand::new);
        // stacks: the cluster path; with --local, dev.meshdbg.cli.stacks.LocalStacksCommand.
        c.put("stacks", dev.meshdbg.cli.stacks.StacksCommand::new);
        c.put("sidecar", dev.meshdbg.cli.kube.SidecarCommand::new);
        c.put("cleanup", dev.meshdbg.cli.kube.CleanupCommand::new);
        c.put("rbac", dev.meshdbg.cli.kube.RbacCommand::new);
        c.put("symbols", dev.meshdbg.cli.symbols.SymbolsCommand::new);
        c.put("image", dev.meshdbg.cli.image.ImageCommand::new);
        c.put("doctor", dev.meshdbg.cli.image.DoctorCommand::new);
        c.put("completion", CompletionCommand::new);
        return Collections.unmodifiableMap(c);
    }

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
