package dev.meshdbg.cli.kube;

import dev.meshdbg.kube.AttachOptions;
import dev.meshdbg.kube.Mode;
import dev.meshdbg.kube.RbacRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rbac", mixinStandardHelpOptions = true,
        description = "The RBAC objects meshdbg needs, for a cluster admin to apply.",
        subcommands = RbacCommand.Role.class)
public final class RbacCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "role", mixinStandardHelpOptions = true,
            description = {"Print the Role (and ClusterRole) granting exactly what `attach` uses in a mode, as YAML:",
                "  meshdbg rbac role -n NS | kubectl apply -f -",
                "then bind it, e.g. kubectl create rolebinding meshdbg -n NS --role meshdbg-ephemeral --user ME."})
    static final class Role implements Runnable {
        @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NS", description = "The targets' namespace.")
        String namespace;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "ephemeral",
                description = "ephemeral (default) or node.")
        Mode mode;

        @Option(names = "--agent-namespace", paramLabel = "NS", defaultValue = AttachOptions.DEFAULT_AGENT_NAMESPACE,
                description = "Node mode's namespace (default: ${DEFAULT-VALUE}).")
        String agentNamespace;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(RbacRole.yaml(mode, namespace, agentNamespace));
            spec.commandLine().getOut().flush();
        }
    }
}
