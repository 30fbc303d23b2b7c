package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a client the way kubectl reads its flags: {@code --kubeconfig}, {@code --context}, {@code -n}. */
public final class KubeConnection {
    private KubeConnection() {
    }

    /**
     * @param kubeconfig a kubeconfig file, or null for $KUBECONFIG / ~/.kube/config / in-cluster
     * @param context a context name, or null for the current one
     * @param namespace the namespace, or null for the context's (else "default")
     */
    public static KubernetesClient connect(Path kubeconfig, String context, String namespace) {
        Config config;
        try {
            if (kubeconfig != null) {
                if (!Files.isReadable(kubeconfig)) {
                    throw MeshdbgException.badInput("kubeconfig " + kubeconfig + " does not exist or is not readable");
                }
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } else {
                boolean anyKubeconfig = Config.getKubeconfigFilenames().stream().anyMatch(f -> Files.isReadable(Path.of(f)));
                if (!anyKubeconfig && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                    throw MeshdbgException.badInput("no kubeconfig found at " + describe(null)
                            + " and not running in a cluster: pass --kubeconfig or set KUBECONFIG");
                }
                config = Config.autoConfigure(context);
            }
        } catch (MeshdbgException e) {
            throw e;
        } catch (RuntimeException e) {
            String what = context == null ? "the kubeconfig" : "context '" + context + "'";
            throw MeshdbgException.badInput("cannot load " + what + ": " + e.getMessage());
        }
        if (context != null && (config.getCurrentContext() == null
                || !context.equals(config.getCurrentContext().getName()))) {
            throw MeshdbgException.badInput("context '" + context + "' not found in the kubeconfig");
        }
        if (namespace != null) {
            config.setNamespace(namespace);
        } else if (config.getNamespace() == null) {
            config.setNamespace("default");
        }
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    /** For messages: where the kubeconfig came from. */
    public static String describe(Path kubeconfig) {
        return kubeconfig != null ? kubeconfig.toString()
                : System.getenv("KUBECONFIG") != null ? System.getenv("KUBECONFIG")
                : new File(System.getProperty("user.home"), ".kube/config").getPath();
    }
}
