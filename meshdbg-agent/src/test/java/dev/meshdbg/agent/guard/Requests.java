package dev.meshdbg.agent.guard;

import dev.meshdbg.demo.EnvoyLikeProcess;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Sends requests to envoy-like in the background so the handler runs while the debugger waits. */
final class Requests implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Requests(EnvoyLikeProcess envoy, String path) {
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    envoy.get(path, Duration.ofSeconds(20));
                    Thread.sleep(200);
                } catch (Exception e) {
                    // Stopped targets time out; keep asking.
                }
            }
        }, "requests");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(25_000);
    }
}
