package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.demo.EnvoyLikeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A test's live parts: a debug server attached to envoy-like, a batch debugger, and a thread that
 * keeps sending requests so the breakpoint in the handler is hit. Closing kills every process it started.
 */
final class LiveSession implements AutoCloseable {
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    final List<String> responses = new CopyOnWriteArrayList<>();
    private volatile boolean requesting;
    private Thread requester;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the debug server paired with the debugger and waits until it listens on 127.0.0.1:port. */
    Process startDebugServer(Debugger debugger, long pid, int port, Path log) throws Exception {
        List<String> command = debugger == Debugger.GDB
                ? List.of("gdbserver", "--once", "--attach", "127.0.0.1:" + port, Long.toString(pid))
                : List.of(lldbServer(), "gdbserver", "--attach", Long.toString(pid), "127.0.0.1:" + port);
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!listening(port)) {
            assertThat(server.isAlive()).as("debug server alive: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("debug server listens within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        return server;
    }

    /** lldb-server of the same version as the lldb found, as the pairing requires. */
    static String lldbServer() {
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        String name = lldb.executable().getFileName().toString().replace("lldb", "lldb-server");
        Path beside = lldb.executable().resolveSibling(name);
        return Files.isExecutable(beside) ? beside.toString() : "lldb-server";
    }

    /**
     * Polls /proc/net/tcp for a listening socket (state 0A) on the port, without connecting to it
     * (a debug server takes one connection only). gdbserver 13 binds 0.0.0.0 even when given 127.0.0.1.
     */
    static boolean listening(int port) throws IOException {
        String suffix = String.format(":%04X", port);
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].endsWith(suffix) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    /** Sends GET /x again and again until stopped: one of them runs into the breakpoint. */
    void keepRequesting(EnvoyLikeProcess target) {
        requesting = true;
        requester = new Thread(() -> {
            while (requesting) {
                try {
                    responses.add(target.get("/x", Duration.ofSeconds(60)));
                    Thread.sleep(200);
                } catch (IOException e) {
                    responses.add("error: " + e.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "requests");
        requester.setDaemon(true);
        requester.start();
    }

    /** Runs a debugger to its end and returns what it printed; fails the test after the timeout. */
    String runDebugger(List<String> command, Path log) throws Exception {
        return runDebugger(command, log, Map.of());
    }

    /** The same with these environment variables set (a null value removes the variable). */
    String runDebugger(List<String> command, Path log, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        Process debugger = builder.redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        processes.add(debugger);
        boolean ended = debugger.waitFor(120, TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("debugger finished within 120 s; it printed:%n%s", output).isTrue();
        return output;
    }

    void stopRequesting() throws InterruptedException {
        requesting = false;
        if (requester != null) {
            requester.join(TimeUnit.SECONDS.toMillis(65));
        }
    }

    @Override
    public void close() {
        requesting = false;
        if (requester != null) {
            requester.interrupt();
        }
        for (Process p : processes) {
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            tree.add(p.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : tree) {
                h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join();
            }
        }
    }
}
