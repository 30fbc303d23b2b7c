package dev.meshdbg.agent.guard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A gdb or lldb run in batch mode, its output collected as it comes so a test can wait for a line. */
final class DebuggerProcess implements AutoCloseable {
    private final Process process;
    private final StringBuilder output = new StringBuilder();

    private DebuggerProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // The debugger ended.
            }
        }, "debugger-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code gdb -batch -nx -ex C1 -ex C2 ...} */
    static DebuggerProcess gdb(List<String> commands) throws IOException {
        List<String> command = new ArrayList<>(List.of("gdb", "-batch", "-nx"));
        for (String c : commands) {
            command.add("-ex");
            command.add(c);
        }
        return new DebuggerProcess(command);
    }

    /** {@code lldb-19 -b -o C1 -o C2 ...} */
    static DebuggerProcess lldb(List<String> commands) throws IOException {
        List<String> command = new ArrayList<>(List.of("lldb-19", "--no-lldbinit", "-b"));
        for (String c : commands) {
            command.add("-o");
            command.add(c);
        }
        return new DebuggerProcess(command);
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits until the output contains the text; false on timeout. */
    boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                output.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Waits for the debugger to exit; false on timeout. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILLs the debugger and whatever it started (a crashed debugger, as far as the guard can tell). */
    void kill() {
        // The debugger first: were its "shell sleep" killed first, a batch gdb would go on to its
        // end and detach by itself before its own SIGKILL.
        List<ProcessHandle> all = new ArrayList<>(List.of(process.toHandle()));
        all.addAll(process.toHandle().descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Best effort.
            }
        }
    }

    @Override
    public void close() {
        kill();
        // Kept in the test's output file for diagnosis.
        System.out.println("---- " + process.info().commandLine().orElse("debugger") + "\n" + output());
    }
}
