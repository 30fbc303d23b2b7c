package dev.meshdbg.cli.demo;

import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the debugger in batch mode while a client keeps sending requests until one is held at the
 * breakpoint: a request sent before the breakpoint is in place passes straight through, so one
 * request is not enough. The held request completes once the debugger detaches.
 */
record DemoRun(String transcript, String heldRequest) {
    private static final Duration DEBUGGER_LIMIT = Duration.ofMinutes(3);

    static DemoRun run(List<String> command, EnvoyLikeProcess envoy, DemoReport report) throws IOException, InterruptedException {
        Process debugger = new ProcessBuilder(command).redirectErrorStream(true).start();
        debugger.getOutputStream().close();
        StringBuilder transcript = new StringBuilder();
        AtomicReference<String> lastAnswer = new AtomicReference<>();
        Thread client = new Thread(() -> sendUntilDone(envoy, debugger, lastAnswer), "demo-client");
        client.setDaemon(true);
        client.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(debugger.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                transcript.append(line).append('\n');
                report.debuggerLine(line);
            }
        }
        if (!debugger.waitFor(DEBUGGER_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            debugger.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            debugger.destroyForcibly();
            throw MeshdbgException.failure("the debugger did not finish within " + DEBUGGER_LIMIT.toMinutes() + " minutes", null);
        }
        client.join(Duration.ofSeconds(30).toMillis());
        return new DemoRun(transcript.toString(), lastAnswer.get());
    }

    private static void sendUntilDone(EnvoyLikeProcess envoy, Process debugger, AtomicReference<String> lastAnswer) {
        while (debugger.isAlive()) {
            try {
                // Long timeout: a held request answers only after the debugger detaches.
                lastAnswer.set(envoy.get("/demo", DEBUGGER_LIMIT).strip());
                Thread.sleep(300);
            } catch (IOException e) {
                lastAnswer.set("failed: " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
