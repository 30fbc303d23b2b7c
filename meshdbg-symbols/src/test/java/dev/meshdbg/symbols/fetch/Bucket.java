package dev.meshdbg.symbols.fetch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Istio's bucket on 127.0.0.1, as plain HTTP/1.1 over a socket: serves a directory's files under
 * {@code /proxy/} with byte ranges, 404 for anything else, and can drop the connection halfway
 * through a file's body once, as a broken link does. One connection per request.
 */
public final class Bucket implements AutoCloseable {
    private static final Pattern GET = Pattern.compile("GET /proxy/(\\S+) HTTP/1\\.[01]");
    private static final Pattern RANGE = Pattern.compile("(?i)range:\\s*bytes=(\\d+)-\\s*");

    private final ServerSocket server;
    private final Path dir;
    /** Each request as "NAME" or "NAME bytes=N-". */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** File names whose next answer stops after half its body. */
    public final Set<String> cutOnce = ConcurrentHashMap.newKeySet();

    public Bucket(Path dir) throws IOException {
        this.dir = dir;
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "bucket");
        t.setDaemon(true);
        t.start();
    }

    /** The base URL, as --symbols-url takes it. */
    public String base() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/proxy";
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                answer(s);
            } catch (IOException e) {
                // closed, or a client gone: next
            }
        }
    }

    private void answer(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        Matcher get = GET.matcher(String.valueOf(in.readLine()));
        Long from = null;
        for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
            Matcher m = RANGE.matcher(h);
            if (m.matches()) {
                from = Long.parseLong(m.group(1));
            }
        }
        OutputStream out = s.getOutputStream();
        String name = get.matches() ? get.group(1) : "";
        requests.add(name + (from == null ? "" : " bytes=" + from + "-"));
        Path file = dir.resolve(name);
        if (name.isEmpty() || name.contains("/") || !Files.isRegularFile(file)) {
            head(out, "404 Not Found", 0, "");
            return;
        }
        byte[] all = Files.readAllBytes(file);
        int start = from == null ? 0 : (int) Math.min(from, all.length);
        if (from != null && from >= all.length) {
            head(out, "416 Range Not Satisfiable", 0, "Content-Range: bytes */" + all.length + "\r\n");
            return;
        }
        if (from == null) {
            head(out, "200 OK", all.length, "");
        } else {
            head(out, "206 Partial Content", all.length - start,
                    "Content-Range: bytes " + start + "-" + (all.length - 1) + "/" + all.length + "\r\n");
        }
        int len = all.length - start;
        out.write(all, start, cutOnce.remove(name) ? len / 2 : len); // a cut answer ends here, closing the socket
        out.flush();
    }

    private static void head(OutputStream out, String status, long length, String extra) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + length + "\r\n" + extra + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
