package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Extracts one regular file from a gzip-compressed tar (ustar, with GNU long names and pax
 * {@code path} records, which bazel's pkg_tar may write). Streams: nothing but the entry is kept.
 */
public final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {
    }

    /** Writes the entry named {@code entry} (a leading {@code ./} or {@code /} ignored) to {@code out}. */
    public static void extract(Path tarGz, String entry, Path out) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarGz), 1 << 16), 1 << 16)) {
            String longName = null;
            byte[] header = new byte[BLOCK];
            while (readFully(in, header)) {
                if (isZero(header)) {
                    break;
                }
                String name = longName != null ? longName : name(header);
                longName = null;
                long size = size(header);
                char type = (char) header[156];
                if (type == 'L' || type == 'x') {
                    String data = new String(readData(in, size), StandardCharsets.UTF_8);
                    longName = type == 'L' ? data.replace("\0", "") : paxPath(data);
                    continue;
                }
                if ((type == '0' || type == '\0') && normalize(name).equals(normalize(entry))) {
                    copy(in, size, out);
                    return;
                }
                skip(in, padded(size));
            }
        } catch (IOException e) {
            throw MeshdbgException.badInput(tarGz + " is not a readable .tar.gz: " + e.getMessage());
        }
        throw MeshdbgException.badInput(tarGz + " holds no " + entry);
    }

    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = cString(h, 257, 6).startsWith("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Octal, or base-256 (high bit set) for sizes past 8 GB. */
    private static long size(byte[] h) {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String s = cString(h, 124, 12).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    /** A pax extended header: records "LEN key=value\n"; only {@code path} matters here. */
    private static String paxPath(String data) {
        for (String record : data.split("\n")) {
            int sp = record.indexOf(' ');
            if (sp > 0 && record.startsWith("path=", sp + 1)) {
                return record.substring(sp + 6);
            }
        }
        return null;
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.charAt(0) == '.' ? 2 : 1);
        }
        return n;
    }

    private static void copy(InputStream in, long size, Path out) throws IOException {
        try (OutputStream o = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("ends inside " + out.getFileName());
                }
                o.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("an extended header of " + size + " bytes");
        }
        byte[] data = new byte[(int) size];
        if (!readFully(in, data)) {
            throw new IOException("ends inside a header");
        }
        skip(in, padded(size) - size);
        return data;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long k = in.skip(left);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("ends inside an entry");
                }
                k = 1;
            }
            left -= k;
        }
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new IOException("ends inside a header");
            }
            off += n;
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
