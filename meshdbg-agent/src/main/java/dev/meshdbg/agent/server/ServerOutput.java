package dev.meshdbg.agent.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads a debug server's stderr (and lldb-server's stdout) on daemon threads, so its pipes never
 * fill, and tells when it is ready: gdbserver on stdio by a line on stderr, lldb-server by the
 * port it reports. The futures fail when the server exits first.
 */
final class ServerOutput {
    /** gdbserver on stdio says this on stderr once it has attached and reads packets. */
    private static final Pattern GDBSERVER_READY = Pattern.compile("Remote debugging using stdio");

    private final Process process;
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch stderrDone = new CountDownLatch(1);
    private final CompletableFuture<Void> stdioReady = new CompletableFuture<>();

    ServerOutput(Process process) {
        this.process = process;
        daemon("debug-server-stderr", this::readStderr);
    }

    /** Completes when gdbserver on stdio has attached; fails when it exits first. */
    CompletableFuture<Void> stdioReady() {
        return stdioReady;
    }

    /** lldb-server {@code --pipe 1}: the port in decimal, then a NUL. */
    CompletableFuture<Integer> portFromStdout() {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        daemon("debug-server-stdout", () -> {
            InputStream in = process.getInputStream();
            StringBuilder digits = new StringBuilder();
            try {
                for (int b; (b = in.read()) >= 0; ) {
                    if (b == 0 || b == '\n') {
                        if (digits.length() > 0 && !port.isDone()) {
                            port.complete(Integer.parseInt(digits.toString()));
                        }
                        digits.setLength(0);
                    } else if (Character.isDigit(b) && !port.isDone()) {
                        digits.append((char) b);
                    }
                }
            } catch (IOException | NumberFormatException ignored) {
                // Fall through: the server is gone.
            }
            port.completeExceptionally(new IOException("lldb-server exited without reporting a port"));
        });
        return port;
    }

    String text() {
        return stderr.toString();
    }

    /** Stderr, after giving the server a moment to finish writing why it failed. */
    String awaitText(long seconds) {
        try {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                stderrDone.await(seconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text();
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                stderr.append(line).append('\n');
                if (GDBSERVER_READY.matcher(line).find()) {
                    stdioReady.complete(null);
                }
            }
        } catch (IOException ignored) {
            // The server is gone.
        } finally {
            stderrDone.countDown();
            stdioReady.completeExceptionally(new IOException("gdbserver exited before it was ready"));
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
