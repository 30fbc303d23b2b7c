package dev.meshdbg.kube;

import dev.meshdbg.agent.AgentEvents;
import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows the agent container's log: every event goes to the listener; {@code ready} and
 * {@code error} settle {@link #awaitReady}; {@code done} or the container's exit settle {@link #ended}.
 */
public final class AgentLog implements AutoCloseable {
    private static final long EXIT_POLL_MILLIS = 2000;

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final String container;
    private final Consumer<AgentEvent> listener;
    private final CompletableFuture<AgentReady> ready = new CompletableFuture<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile LogWatch watch;
    private volatile boolean closed;

    public AgentLog(KubernetesClient client, String namespace, String pod, String container, Consumer<AgentEvent> listener) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
        this.container = container;
        this.listener = listener;
    }

    public void start() {
        watch = KubeErrors.call("read the agent's log in pod " + namespace + "/" + pod,
                () -> client.pods().inNamespace(namespace).withName(pod).inContainer(container).watchLog());
        Thread reader = new Thread(this::read, "meshdbg-agent-log");
        reader.setDaemon(true);
        reader.start();
    }

    public AgentReady awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw MeshdbgException.failure("timed out after " + timeout.toSeconds() + "s waiting for the agent to be ready;"
                    + " see `kubectl logs -n " + namespace + " " + pod + " -c " + container + "`", null);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MeshdbgException m ? m
                    : MeshdbgException.failure("the agent failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while waiting for the agent", e);
        }
    }

    /** Completes with a reason when the agent says {@code done} or its container exits. */
    public CompletableFuture<String> ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                AgentEvent.parse(line).ifPresent(this::dispatch);
            }
        } catch (IOException | RuntimeException e) {
            if (closed) {
                return;
            }
        }
        if (!closed) {
            awaitExit();
        }
    }

    private void dispatch(AgentEvent event) {
        listener.accept(event);
        if (event.is(AgentEvents.READY)) {
            try {
                ready.complete(AgentReady.of(event));
            } catch (MeshdbgException e) {
                ready.completeExceptionally(e);
            }
        } else if (event.is(AgentEvents.ERROR)) {
            String message = "agent: " + event.text("message");
            MeshdbgException e = "BAD_INPUT".equals(event.text("kind"))
                    ? MeshdbgException.badInput(message) : MeshdbgException.failure(message, null);
            ready.completeExceptionally(e);
            ended.complete(message);
        } else if (event.is(AgentEvents.TARGET_EXITED)) {
            ready.completeExceptionally(MeshdbgException.failure(event.text("message"), null));
            ended.complete(event.text("message"));
        } else if (event.is(AgentEvents.DONE)) {
            ready.completeExceptionally(MeshdbgException.failure("the agent ended before it was ready", null));
            ended.complete("the agent is done");
        }
    }

    /** The log stream can end without the agent ending (API server timeouts): watch the container instead. */
    private void awaitExit() {
        ContainerWait wait = new ContainerWait(client);
        while (!closed && !ended.isDone()) {
            try {
                var terminated = wait.terminated(namespace, pod, container);
                if (terminated != null) {
                    String why = "the agent container exited" + ContainerWait.describe(terminated.getReason(), terminated.getMessage());
                    ready.completeExceptionally(MeshdbgException.failure(why + " before it was ready; see `kubectl logs -n "
                            + namespace + " " + pod + " -c " + container + "`", null));
                    ended.complete(why);
                    return;
                }
                Thread.sleep(EXIT_POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The API server may be briefly unreachable; keep watching until closed.
                try {
                    Thread.sleep(EXIT_POLL_MILLIS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ready.completeExceptionally(MeshdbgException.failure("the session was closed before the agent was ready", null));
        LogWatch w = watch;
        if (w != null) {
            w.close();
        }
        ended.complete("session closed");
    }
}
