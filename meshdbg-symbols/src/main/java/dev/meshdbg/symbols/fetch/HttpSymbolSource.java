package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A bucket over HTTP(S): Istio's by default, or a mirror with the same layout. Resumes with Range requests. */
public final class HttpSymbolSource implements SymbolSource {
    public static final String ISTIO_BUCKET = "https://storage.googleapis.com/istio-build/proxy";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
    private static final int CONNECT_MILLIS = 15_000;
    private static final int READ_MILLIS = 60_000;
    private static final long PROGRESS_EVERY = 4L << 20;

    private final String base;

    public HttpSymbolSource(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (!this.base.startsWith("http://") && !this.base.startsWith("https://")) {
            throw MeshdbgException.badInput("--symbols-url " + base + " is not an http:// or https:// URL");
        }
    }

    @Override
    public String locate(String file) {
        return base + "/" + file;
    }

    @Override
    public Transfer download(String file, Path partial, FetchListener listener) {
        String url = locate(file);
        try {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            HttpURLConnection c = open(url);
            if (have > 0) {
                c.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int code = c.getResponseCode();
            if (code == HttpURLConnection.HTTP_NOT_FOUND) {
                return Transfer.NOT_FOUND;
            }
            if (code == 416) {
                return Transfer.COMPLETE; // nothing past what we have: the checksum decides
            }
            long total;
            if (code == HttpURLConnection.HTTP_PARTIAL) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(c.getHeaderField("Content-Range")));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    c.disconnect();
                    Files.deleteIfExists(partial); // a range we did not ask for: start over
                    return Transfer.CUT_SHORT;
                }
                total = m.group(2).equals("*") ? -1 : Long.parseLong(m.group(2));
            } else if (code == HttpURLConnection.HTTP_OK) {
                have = 0; // the server ignored Range: the body is the whole file
                total = c.getContentLengthLong();
            } else {
                throw MeshdbgException.badInput(url + " answered HTTP " + code + " " + c.getResponseMessage() + "; "
                        + SymbolFetcher.BY_HAND);
            }
            return copy(url, c, partial, have, total, listener);
        } catch (IOException e) {
            throw MeshdbgException.badInput("cannot fetch " + url + ": " + describe(e) + "; " + SymbolFetcher.BY_HAND);
        }
    }

    private static Transfer copy(String url, HttpURLConnection c, Path partial, long have, long total,
                                 FetchListener listener) throws IOException {
        listener.started(url, have, total);
        long done = have;
        long reported = have;
        StandardOpenOption mode = have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        try (InputStream in = c.getInputStream();
             OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                if (done - reported >= PROGRESS_EVERY) {
                    listener.progress(url, done, total);
                    reported = done;
                }
            }
        } catch (IOException cutShort) {
            // The connection broke mid-body (e.g. "Premature EOF"): keep what arrived, resume from there.
            return Transfer.CUT_SHORT;
        }
        listener.progress(url, done, total);
        return total < 0 || done >= total ? Transfer.COMPLETE : Transfer.CUT_SHORT;
    }

    @Override
    public Optional<String> text(String file) {
        String url = locate(file);
        try {
            HttpURLConnection c = open(url);
            int code = c.getResponseCode();
            if (code != HttpURLConnection.HTTP_OK) {
                return Optional.empty();
            }
            try (InputStream in = c.getInputStream()) {
                return Optional.of(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw MeshdbgException.badInput("cannot fetch " + url + ": " + describe(e) + "; " + SymbolFetcher.BY_HAND);
        }
    }

    private static HttpURLConnection open(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(CONNECT_MILLIS);
        c.setReadTimeout(READ_MILLIS);
        c.setRequestProperty("Accept-Encoding", "identity"); // byte ranges of the file itself
        return c;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : " (" + m + ")");
    }
}
