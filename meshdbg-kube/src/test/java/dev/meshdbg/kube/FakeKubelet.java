package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Plays the kubelet for meshdbg's agent containers: starts them (or fails to) as the {@link FakeAgent} says. */
final class FakeKubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final FakeApiDispatcher api;
    private final Thread thread;
    private volatile boolean stopped;

    FakeKubelet(KubernetesClient client, FakeApiDispatcher api) {
        this.client = client;
        this.api = api;
        this.thread = new Thread(this::loop, "test-kubelet");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            try {
                for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
                    sync(p);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a pod changed under us: the next round sees the new one
            }
        }
    }

    private void sync(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        boolean nodePod = labels != null && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY));
        if (nodePod) {
            ContainerStatus want = status(NodeAgent.CONTAINER, pod.getSpec().getContainers().get(0).getImage());
            List<ContainerStatus> have = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
            if (have == null || have.size() != 1 || !Objects.equals(have.get(0).getState(), want.getState())) {
                pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                        .withContainerStatuses(want).build());
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
            }
            return;
        }
        List<ContainerStatus> want = new ArrayList<>();
        for (EphemeralContainer c : pod.getSpec().getEphemeralContainers()) {
            want.add(status(c.getName(), c.getImage()));
        }
        List<ContainerStatus> have = pod.getStatus().getEphemeralContainerStatuses();
        if (!want.isEmpty() && !sameStates(have, want)) {
            pod.getStatus().setEphemeralContainerStatuses(want);
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
        }
    }

    private ContainerStatus status(String name, String image) {
        FakeAgent agent = api.agent;
        ContainerState state;
        if (agent.waitingReason != null) {
            state = new ContainerStateBuilder().withNewWaiting().withReason(agent.waitingReason)
                    .withMessage(agent.waitingMessage).endWaiting().build();
        } else if (agent.exitCode != null) {
            state = new ContainerStateBuilder().withNewTerminated().withExitCode(agent.exitCode).withReason(agent.terminatedReason)
                    .withMessage(agent.terminatedMessage)
                    .endTerminated().build();
        } else {
            state = new ContainerStateBuilder().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().build();
        }
        return new ContainerStatusBuilder().withName(name).withImage(image).withState(state).build();
    }

    private static boolean sameStates(List<ContainerStatus> have, List<ContainerStatus> want) {
        if (have == null || have.size() != want.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            if (!Objects.equals(have.get(i).getName(), want.get(i).getName())
                    || !Objects.equals(have.get(i).getState(), want.get(i).getState())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
