package dev.meshdbg.cli.kube;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.AttachOptions;
import dev.meshdbg.kube.cleanup.Cleanup;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Remove what crashed sessions left: node agent pods and session annotations.",
            "Ephemeral containers cannot be removed; those whose agent still runs are listed",
            "(they exit on their idle timeout). Sessions still running elsewhere are ended too."})
public final class CleanupCommand implements Callable<Integer> {
    @Mixin
    KubeOptions kube;

    @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
    boolean allNamespaces;

    @Option(names = "--agent-namespace", paramLabel = "NS", defaultValue = AttachOptions.DEFAULT_AGENT_NAMESPACE,
            description = "Where node agent pods live (default: ${DEFAULT-VALUE}).")
    String agentNamespace;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (allNamespaces && kube.namespace != null) {
            throw MeshdbgException.badInput("give -n NS or -A, not both");
        }
        try (KubernetesClient client = kube.connect()) {
            Cleanup.Report report = new Cleanup(client).run(allNamespaces ? null : client.getNamespace(), agentNamespace);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputOption.printJson(out, report);
                return 0;
            }
            report.deletedPods().forEach(p -> out.println("deleted node agent pod " + p));
            report.clearedAnnotations().forEach(p -> out.println("removed the session annotation from pod " + p));
            report.runningEphemeralAgents().forEach(p -> out.println("ephemeral agent still running in pod " + p
                    + " (cannot be removed; its agent exits by itself once its session is over)"));
            if (report.empty()) {
                out.println("nothing to clean up");
            }
            out.flush();
        }
        return 0;
    }
}
