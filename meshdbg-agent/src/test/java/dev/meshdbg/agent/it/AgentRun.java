package dev.meshdbg.agent.it;

import dev.meshdbg.agent.guard.SessionForwarder;
import dev.meshdbg.agent.guard.SessionKey;
import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent as a real child process ({@code java ... AgentMain}), with its events collected line by line. */
final class AgentRun implements AutoCloseable {
    final Process process;
    final List<String> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<SessionForwarder> forwards = new CopyOnWriteArrayList<>();

    private AgentRun(Process process) {
        this.process = process;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    events.add(line);
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    static AgentRun start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                "dev.meshdbg.agent.AgentMain"));
        command.addAll(List.of(args));
        return new AgentRun(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    /** Waits for the next event of this kind; fails on an {@code error} event or a timeout. */
    String await(String event, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = queue.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.contains("\"event\":\"" + event + "\"")) {
                return line;
            }
            if (line.contains("\"event\":\"error\"") && !event.equals("error")) {
                throw new AssertionError("agent failed: " + line);
            }
        }
        throw new AssertionError("no " + event + " event within " + seconds + " s; saw " + events);
    }

    /** meshdbg's end of the session for a {@code ready} event: the port a debugger connects to. */
    int forward(String ready) {
        SessionForwarder f = SessionForwarder.open(0, SessionKey.ofHex(field(ready, "sessionKey")),
                SessionForwarder.tcp(new InetSocketAddress("127.0.0.1", Integer.parseInt(field(ready, "port")))), null);
        forwards.add(f);
        return f.port();
    }

    static String field(String event, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(event);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + event);
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    int exit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("agent still running after " + seconds + " s; events " + events);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        forwards.forEach(SessionForwarder::close);
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(h -> h.onExit().join());
    }
}
