package dev.meshdbg.kube;

import dev.meshdbg.agent.guard.SessionForwarder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;

/**
 * A stream to a port inside a pod, one Kubernetes port-forward stream per connection (fabric8 8
 * speaks the WebSocket protocol: {@code get} and, from 1.35, {@code create pods/portforward}).
 * Nothing listens on this machine's network for it: {@link SessionForwarder} owns the only local
 * port, on 127.0.0.1.
 */
final class PodDialer implements SessionForwarder.Dialer {
    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final int port;

    PodDialer(KubernetesClient client, String namespace, String pod, int port) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
        this.port = port;
    }

    @Override
    public SessionForwarder.Link dial() throws IOException {
        Pipe toPod = Pipe.open();
        Pipe fromPod = Pipe.open();
        PortForward forward;
        try {
            forward = client.pods().inNamespace(namespace).withName(pod).portForward(port, toPod.source(), fromPod.sink());
        } catch (RuntimeException e) {
            closeAll(toPod, fromPod);
            throw new IOException("port-forward to " + namespace + "/" + pod + ":" + port + " failed: " + e.getMessage(), e);
        }
        return new SessionForwarder.Link(Channels.newInputStream(fromPod.source()), Channels.newOutputStream(toPod.sink()), () -> {
            forward.close();
            closeAll(toPod, fromPod);
        });
    }

    private static void closeAll(Pipe... pipes) throws IOException {
        for (Pipe p : pipes) {
            p.sink().close();
            p.source().close();
        }
    }
}
