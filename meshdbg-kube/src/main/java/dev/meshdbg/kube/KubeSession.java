package dev.meshdbg.kube;

import dev.meshdbg.agent.guard.SessionForwarder;
import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One cluster session, start to end: resolve, preflight, annotate, start the agent, wait for
 * {@code ready}, forward, hand over to the client step, and undo everything on every path out.
 * {@link #close()} is idempotent and thread-safe: the CLI also calls it from its shutdown hook.
 */
public final class KubeSession implements AutoCloseable {
    private final KubernetesClient client;
    private final AttachOptions options;
    private final SessionListener listener;
    private final SessionInfo session;
    /** Undo steps, newest first; each runs once even if another fails. */
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether anything was changed in the cluster: only then is there an end to report. */
    private boolean changed;
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final Object lock = new Object();
    private Function<List<Pod>, Pod> chooser;
    private java.util.function.Consumer<String> imageCheck = image -> { };
    private volatile String targetExit;

    public KubeSession(KubernetesClient client, AttachOptions options, SessionListener listener) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.session = SessionInfo.start(options.mode());
    }

    /** Picks one of several ready pods of a workload (the CLI asks on a TTY); default: the newest. */
    public KubeSession withPodChooser(Function<List<Pod>, Pod> c) {
        this.chooser = c;
        return this;
    }

    /**
     * Checks, before any change, that the sidecar's own image carries the agent when no
     * {@code --image} is given (the CLI reads its labels); throws to refuse.
     */
    public KubeSession withImageCheck(java.util.function.Consumer<String> check) {
        this.imageCheck = check;
        return this;
    }

    /** How Envoy ended when it exited during the session (the session then ends too), else empty. */
    public java.util.Optional<String> targetExit() {
        return java.util.Optional.ofNullable(targetExit);
    }

    private void agentEvent(AgentEvent event) {
        if (event.is(dev.meshdbg.agent.AgentEvents.TARGET_EXITED)) {
            targetExit = event.text("message");
        }
        listener.agentEvent(event);
    }

    public SessionInfo info() {
        return session;
    }

    /** Runs the whole session; returns when the client step ends, the agent ends, or {@link #close()} is called. */
    public void run(SessionHandler handler) throws Exception {
        try {
            ResolvedTarget target = new PodResolver(client, client.getNamespace())
                    .resolve(options.target(), options.podSelector(), options.sidecarName(), chooser);
            listener.resolved(target);
            Preflight.Result preflight = new Preflight(client).check(target, options.mode(), options.agentNamespace());
            preflight.warnings().forEach(listener::warning);
            listener.trafficNotice(TrafficNotice.lines(target, options.agent().maxPause()));
            String image = options.image() != null ? options.image() : target.sidecar().image();
            if (options.image() == null) {
                imageCheck.accept(image);
            }

            if (preflight.annotate()) {
                new SessionAnnotations(client).add(target.namespace(), target.podName(), session);
                guarded(() -> new SessionAnnotations(client).remove(target.namespace(), target.podName(), session.id()));
            }
            AgentHandle agent = startAgent(target, image, preflight.createAgentNamespace());
            listener.step("waiting for the agent to attach to " + target.sidecar().name());
            AgentReady ready = agent.awaitReady(options.startTimeout());
            agent.ended().thenAccept(ended::complete);

            SessionForwarder forwarder = SessionForwarder.open(options.localPort(), ready.sessionKey(),
                    new PodDialer(client, agent.namespace(), agent.podName(), ready.port()), new SessionForwarder.Listener() {
                        @Override
                        public void dropped(String why) {
                            listener.forwardDropped(why);
                        }

                        @Override
                        public void restored(int localPort) {
                            listener.forwardRestored(new LocalEndpoint("127.0.0.1", localPort));
                        }
                    });
            guarded(forwarder::close);
            LocalEndpoint local = new LocalEndpoint("127.0.0.1", forwarder.port());
            listener.forwarding(local, ready);
            handler.run(new SessionHandler.Context(target, session, local, ready, ended));
        } finally {
            close();
        }
    }

    private AgentHandle startAgent(ResolvedTarget target, String image, boolean createNamespace) {
        if (options.mode() == Mode.EPHEMERAL) {
            listener.step("adding ephemeral container " + session.agentName() + " (image " + image + ") to pod "
                    + target.namespace() + "/" + target.podName());
            AgentHandle agent = EphemeralAgent.start(client, target, session, image, options.agent(),
                    options.startTimeout(), this::agentEvent);
            guarded(agent::close);
            return agent;
        }
        listener.step("creating node agent pod " + options.agentNamespace() + "/" + session.agentName() + " on node "
                + target.nodeName());
        NodeAgent agent = NodeAgent.create(client, target, session, image, options.agent(), options.agentNamespace(),
                createNamespace, options.nodePodDeadline());
        guarded(agent::close);
        agent.start(client, options.startTimeout(), this::agentEvent);
        return agent;
    }

    /** Registers an undo step; if the session was closed meanwhile (Ctrl-C during start-up), undoes it now. */
    private void guarded(Runnable undoStep) {
        synchronized (lock) {
            if (!closed.get()) {
                undo.push(undoStep);
                changed = true;
                return;
            }
        }
        undoStep.run();
        throw MeshdbgException.failure("the session was interrupted", null);
    }

    /** Detaches (closing the forward makes the guard detach), deletes the node pod, removes the annotation. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            RuntimeException first = null;
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException e) {
                    listener.warning("cleanup: " + e.getMessage() + "; run `meshdbg cleanup` to finish");
                    first = first == null ? e : first;
                }
            }
            ended.complete("session closed");
            if (!changed) {
                return; // refused before any change: the error says it all
            }
            listener.ended(first == null ? "session ended; nothing left behind" : "session ended with cleanup errors");
        }
    }
}
