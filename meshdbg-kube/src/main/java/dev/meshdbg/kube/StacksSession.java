package dev.meshdbg.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stacks of the sidecar of every ready pod of a target, in parallel: per pod, the agent runs in
 * {@code --stacks} mode (an ephemeral container, or a node pod), takes its one short stop, prints
 * a {@code stacks} event and exits; the node pod and the session annotation are removed whatever
 * happens. The agent of {@code options.agent()} must carry the {@code --stacks} mode arguments.
 */
public final class StacksSession {
    /** One pod's outcome: the agent's {@code stacks} event, or why there is none. */
    public record PodStacks(ResolvedTarget target, ObjectNode stacks, String error) {
    }

    private final KubernetesClient client;
    private final AttachOptions options;
    private final SessionListener listener;

    public StacksSession(KubernetesClient client, AttachOptions options, SessionListener listener) {
        this.client = client;
        this.options = options;
        this.listener = listener;
    }

    /** Resolves the pods (a pod, or every ready replica of a workload), then captures them all at once. */
    public List<PodStacks> run() {
        List<ResolvedTarget> targets = resolve();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), 16), r -> {
            Thread t = new Thread(r, "meshdbg-stacks");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<PodStacks>> running = new ArrayList<>();
            for (ResolvedTarget t : targets) {
                running.add(CompletableFuture.supplyAsync(() -> capture(t), pool));
            }
            return running.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    List<ResolvedTarget> resolve() {
        PodResolver resolver = new PodResolver(client, client.getNamespace());
        TargetRef ref = options.target();
        if (ref != null && !ref.kind().workload() && options.podSelector() == null) {
            return List.of(resolver.resolve(ref, null, options.sidecarName(), null));
        }
        List<Pod> ready = resolver.candidates(ref, options.podSelector()).stream().filter(PodResolver::ready).toList();
        if (ready.isEmpty()) {
            // The resolver's own refusal names the pods it saw and what to do.
            resolver.resolve(ref, options.podSelector(), options.sidecarName(), null);
            throw MeshdbgException.badInput((ref != null ? ref : "selector " + options.podSelector()) + " has no ready pod");
        }
        List<ResolvedTarget> out = new ArrayList<>();
        for (Pod p : ready) {
            out.add(new ResolvedTarget(client.getNamespace(), p.getMetadata().getName(), p.getSpec().getNodeName(),
                    PodResolver.sidecar(p, options.sidecarName()), p));
        }
        return out;
    }

    private PodStacks capture(ResolvedTarget target) {
        listener.resolved(target);
        SessionInfo session = SessionInfo.start(options.mode());
        AtomicReference<ObjectNode> stacks = new AtomicReference<>();
        AtomicReference<String> error = new AtomicReference<>();
        try {
            Preflight.Result preflight = new Preflight(client).check(target, options.mode(), options.agentNamespace());
            preflight.warnings().forEach(listener::warning);
            String image = options.image() != null ? options.image() : target.sidecar().image();
            SessionAnnotations annotations = new SessionAnnotations(client);
            annotations.add(target.namespace(), target.podName(), session);
            java.util.function.Consumer<AgentEvent> events = event -> {
                listener.agentEvent(event);
                if (event.is("stacks")) {
                    stacks.set(event.json());
                } else if (event.is("error")) {
                    error.set(event.text("message"));
                }
            };
            try {
                String why = runAgent(target, session, image, preflight.createAgentNamespace(), events);
                if (stacks.get() == null && error.get() == null) {
                    error.set(why);
                }
            } finally {
                annotations.remove(target.namespace(), target.podName(), session.id());
            }
        } catch (TimeoutException e) {
            error.set("no stacks within " + options.startTimeout().toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error.set("interrupted");
        } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
            error.set(e.getMessage());
        }
        return new PodStacks(target, stacks.get(), stacks.get() != null ? null : error.get());
    }

    /** Runs the agent to its end; returns why it ended. The node pod is deleted on every path. */
    private String runAgent(ResolvedTarget target, SessionInfo session, String image, boolean createNamespace,
                            java.util.function.Consumer<AgentEvent> events)
            throws InterruptedException, java.util.concurrent.ExecutionException, TimeoutException {
        String namespace = options.mode() == Mode.EPHEMERAL ? target.namespace() : options.agentNamespace();
        String container = options.mode() == Mode.EPHEMERAL ? session.agentName() : NodeAgent.CONTAINER;
        AgentHandle agent = null;
        try {
            if (options.mode() == Mode.EPHEMERAL) {
                listener.step("adding ephemeral container " + session.agentName() + " to pod " + target.podName());
                agent = EphemeralAgent.start(client, target, session, image, options.agent(), options.startTimeout(), events);
            } else {
                listener.step("creating node agent pod " + options.agentNamespace() + "/" + session.agentName());
                NodeAgent node = NodeAgent.create(client, target, session, image, options.agent(), options.agentNamespace(),
                        createNamespace, options.nodePodDeadline());
                agent = node;
                node.start(client, options.startTimeout(), events);
            }
            return agent.ended().get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (MeshdbgException e) {
            // A capture is quick: the agent may have finished before it was seen running. Then its
            // whole log is there to read.
            String pod = agent instanceof NodeAgent n ? n.podName() : target.podName();
            var ended = new ContainerWait(client).terminated(namespace, pod, container);
            if (ended == null || ended.getExitCode() == null || ended.getExitCode() != 0) {
                throw e;
            }
            String log = KubeErrors.call("read the agent's log", () -> client.pods().inNamespace(namespace).withName(pod)
                    .inContainer(container).getLog());
            log.lines().map(AgentEvent::parse).flatMap(java.util.Optional::stream).forEach(events);
            return "the agent is done";
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }
}
