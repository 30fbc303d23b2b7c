package dev.meshdbg.cli.kube;

import dev.meshdbg.kube.KubeConnection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** kubectl's connection flags, shared by the cluster commands. */
public final class KubeOptions {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: the context's, else default).")
    String namespace;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    public KubernetesClient connect() {
        // fabric8 logs through SLF4J; with no binding SLF4J itself warns on stderr at every run.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        return KubeConnection.connect(kubeconfig, context, namespace);
    }
}
