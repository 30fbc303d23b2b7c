package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A debug adapter driven the way VSCode drives it: Debug Adapter Protocol messages, JSON framed by
 * a {@code Content-Length} header, over the adapter's stdin and stdout. Every message the adapter
 * sends is kept, so a wait also finds what arrived before it began.
 */
final class DapClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Process adapter;
    private final OutputStream in;
    private final List<JsonNode> received = new ArrayList<>();
    private boolean ended;
    private int seq;

    private DapClient(Process adapter) {
        this.adapter = adapter;
        this.in = adapter.getOutputStream();
        Thread reader = new Thread(this::read, "dap-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static DapClient start(Path adapter, Path stderr) throws IOException {
        return new DapClient(new ProcessBuilder(adapter.toString()).redirectError(stderr.toFile()).start());
    }

    Process process() {
        return adapter;
    }

    /** Sends a request and returns its sequence number, to await the response with. */
    synchronized int send(String command, Object arguments) throws IOException {
        ObjectNode message = JSON.createObjectNode();
        message.put("seq", ++seq).put("type", "request").put("command", command);
        message.set("arguments", JSON.valueToTree(arguments));
        byte[] body = JSON.writeValueAsBytes(message);
        in.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        in.write(body);
        in.flush();
        return seq;
    }

    /** Sends a request and waits for a successful response. */
    JsonNode request(String command, Object arguments) throws IOException, InterruptedException {
        return response(send(command, arguments));
    }

    JsonNode response(int requestSeq) throws InterruptedException {
        JsonNode r = await("the response to request " + requestSeq,
                m -> m.path("type").asText().equals("response") && m.path("request_seq").asInt() == requestSeq);
        if (!r.path("success").asBoolean()) {
            throw new AssertionError("request " + r.path("command").asText() + " failed: " + r + "\nall messages: " + received);
        }
        return r;
    }

    JsonNode event(String name) throws InterruptedException {
        return await("a " + name + " event", m -> m.path("type").asText().equals("event") && m.path("event").asText().equals(name));
    }

    /** The event, unless the request fails first (lldb-dap answers a refused attach before any initialized event). */
    JsonNode eventUnlessFailed(String name, int requestSeq) throws InterruptedException {
        JsonNode m = await("a " + name + " event or a failed response to request " + requestSeq,
                r -> r.path("event").asText().equals(name) || (r.path("type").asText().equals("response")
                        && r.path("request_seq").asInt() == requestSeq && !r.path("success").asBoolean()));
        if (m.path("type").asText().equals("response")) {
            throw new AssertionError("request " + m.path("command").asText() + " failed: " + m.path("message").asText()
                    + " " + m.path("body"));
        }
        return m;
    }

    /** The first output event (Debug Console text) that holds the text. */
    JsonNode output(String text) throws InterruptedException {
        return await("output '" + text + "'", m -> m.path("event").asText().equals("output")
                && m.path("body").path("output").asText().contains(text));
    }

    /** Whether such a message has come, without waiting. */
    synchronized boolean has(Predicate<JsonNode> match) {
        return received.stream().anyMatch(match);
    }

    synchronized JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            for (JsonNode m : received) {
                if (match.test(m)) {
                    return m;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (ended || left <= 0) {
                throw new AssertionError("no " + what + " from the adapter" + (ended ? " (it ended)" : "") + "; it sent: " + received);
            }
            wait(Math.min(left, 500));
        }
    }

    private void read() {
        try (InputStream out = new BufferedInputStream(adapter.getInputStream())) {
            while (true) {
                int length = -1;
                for (String header; !(header = line(out)).isEmpty(); ) {
                    if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(header.substring(15).strip());
                    }
                }
                JsonNode message = JSON.readTree(out.readNBytes(length));
                synchronized (this) {
                    received.add(message);
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The adapter ended or was killed.
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** One header line without its CRLF; throws at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("end of stream");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }

    @Override
    public void close() {
        adapter.descendants().forEach(ProcessHandle::destroyForcibly);
        adapter.destroyForcibly();
    }
}
