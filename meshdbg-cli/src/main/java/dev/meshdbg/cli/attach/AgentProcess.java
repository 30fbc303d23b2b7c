package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent as a child process of the CLI, in a session of its own ({@code setsid}): Ctrl-C in
 * the terminal reaches only the CLI, which then asks the agent to detach; and a CLI killed with
 * SIGKILL leaves the agent guarding the target until the client leaves.
 */
public final class AgentProcess {
    static final String MAIN = "dev.meshdbg.agent.AgentMain";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Thread reader;
    private final StringBuilder stderr = new StringBuilder();

    private AgentProcess(Process process, Consumer<JsonNode> events) {
        this.process = process;
        this.reader = new Thread(() -> relay(events), "meshdbg-agent-events");
        reader.start();
        Thread err = new Thread(this::drainStderr, "meshdbg-agent-stderr");
        err.setDaemon(true);
        err.start();
    }

    /** Starts {@code setsid JAVA -cp CLASSPATH AgentMain ARGS}; events arrive on {@code events}, in order. */
    public static AgentProcess start(List<String> agentArgs, Consumer<JsonNode> events) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            command.add("setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-XX:+UseSerialGC", "-Xshare:auto")); // no C1-only flag: the guard relays megabytes and needs C2
        command.addAll(dev.meshdbg.agent.AgentMain.MEMORY_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
        command.addAll(agentArgs);
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            return new AgentProcess(p, events);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot start the meshdbg agent (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Runs {@code action} once the agent has ended and its events are relayed. */
    public void onExit(Runnable action) {
        process.onExit().thenRun(() -> {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            action.run();
        });
    }

    public long pid() {
        return process.pid();
    }

    /** Asks the agent to detach and exit (SIGTERM), and waits until its last event is relayed. */
    public void stop() {
        // SIGTERM through the handle: Process.destroy() would also close our end of the agent's
        // stdout, and its last events (detached, done) would be lost.
        process.toHandle().destroy();
        awaitExit(15);
        if (process.isAlive()) {
            process.destroyForcibly(); // the kernel detaches the debug server's ptrace; the target resumes
        }
        awaitExit(5);
    }

    /** Waits for the agent to end by itself and its events to be relayed; returns its exit code. */
    public int await() throws InterruptedException {
        int code = process.waitFor();
        reader.join(5000);
        return code;
    }

    private void awaitExit(int seconds) {
        try {
            process.waitFor(seconds, TimeUnit.SECONDS);
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized String stderr() {
        return stderr.toString().strip();
    }

    private void relay(Consumer<JsonNode> events) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.startsWith("{")) {
                    continue; // the JVM may print warnings; events are JSON objects
                }
                try {
                    events.accept(JSON.readTree(line));
                } catch (IOException e) {
                    // A partial line from a killed agent: nothing to relay.
                }
            }
        } catch (IOException e) {
            // The agent ended.
        }
    }

    private void drainStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                synchronized (this) {
                    if (stderr.length() < 8192) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // The agent ended.
        }
    }
}
