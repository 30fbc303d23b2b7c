package dev.meshdbg.agent.rsp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into {@link Packet}s. Bytes outside a frame other than {@code + - ^C}
 * are skipped, as stubs do with line noise. A body may span any number of reads.
 * <p>Memory reads make packets of tens of kilobytes, so a body is scanned in bulk out of an
 * internal buffer and copied in runs, not read a byte at a time.
 */
public final class PacketReader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HASHES = 0x2323232323232323L;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    /** Grows to the largest body seen and is reused, so big replies do not regrow it each time. */
    private byte[] scratch = new byte[1 << 12];
    private int pos;
    private int limit;
    /** The tee copying the frame being read, and where in {@code buf} its uncopied bytes start. */
    private FrameTee tee;
    private int teeFrom;
    private volatile boolean verify = true;

    public PacketReader(InputStream in) {
        this.in = in;
    }

    /**
     * With acks off there is no nack to send for a bad checksum, so the reader stops summing
     * every body and keeps the checksum the peer sent, which a relay forwards unchanged: one
     * pass less over each memory reply.
     */
    public void verifyChecksums(boolean on) {
        verify = on;
    }

    /** The next unit, or null at the end of the stream between units. */
    public Packet read() throws IOException {
        return read(null);
    }

    /**
     * The next unit; a packet the tee takes at its start is also copied to it as its bytes come
     * in (and {@link Packet#copied()} says so), so a relay need not wait for a long reply's end.
     */
    public Packet read(FrameTee copyTo) throws IOException {
        for (;;) {
            if (pos == limit && !fill()) {
                return null;
            }
            int b = buf[pos++] & 0xff;
            switch (b) {
                case '+': return Packet.ACK;
                case '-': return Packet.NACK;
                case Rsp.INTERRUPT: return Packet.INTERRUPT;
                case '$': return copyTo != null && copyTo.begin() ? copied(copyTo) : body(Packet.Type.PACKET, false);
                case '%': return body(Packet.Type.NOTIFICATION, false);
                default: break; // noise between frames
            }
        }
    }

    private Packet copied(FrameTee copyTo) throws IOException {
        tee = copyTo;
        teeFrom = pos - 1; // the '$' just read
        try {
            Packet p = body(Packet.Type.PACKET, true);
            copyTo.parsed(p);
            // Never empty: the last checksum digit is still in buf, past teeFrom.
            copyTo.write(buf, teeFrom, pos - teeFrom);
            return p;
        } finally {
            tee = null;
            copyTo.end();
        }
    }

    private Packet body(Packet.Type type, boolean copied) throws IOException {
        byte[] body = scratch;
        int n = 0;
        int walked = 0; // body[0, walked) parsed for escapes and run markers, only when a '#' needs it
        for (;;) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ended inside a packet");
            }
            // The body stays escaped, so what was read is copied up to the next '#' in one piece.
            int start = pos;
            pos = indexOfHash(pos, limit);
            body = append(body, n, pos - start + 1);
            System.arraycopy(buf, start, body, n, pos - start);
            n += pos - start;
            if (pos == limit) {
                continue;
            }
            pos++;
            if (n == 0 || (body[n - 1] != Rsp.ESCAPE && body[n - 1] != '*')) {
                break;
            }
            // A '#' after '}' or '*' is data if that byte is an escape or run marker itself, not
            // the data byte of one before it: parse that far (once, however many such '#' come).
            while (walked < n - 1) {
                walked += body[walked] == Rsp.ESCAPE || body[walked] == '*' ? 2 : 1;
            }
            if (walked != n - 1) {
                break;
            }
            body[n++] = '#';
            walked = n;
        }
        scratch = body;
        int hi = Character.digit(next(), 16);
        int lo = Character.digit(next(), 16);
        int sent = hi >= 0 && lo >= 0 ? (hi << 4) | lo : -1;
        int sum = verify || sent < 0 ? Rsp.checksum(body, n) : sent;
        // A copied packet has gone on already: it keeps only what tells which reply it is.
        byte[] wire = Arrays.copyOf(body, copied ? Math.min(n, Packet.COPIED_HEAD) : n);
        return new Packet(type, wire, sum, sent == sum, copied);
    }

    /**
     * The index of the first {@code #} in {@code buf[from, to)}, or {@code to}, looking at eight
     * bytes at a time: this scan is most of what the relay does with a memory reply's bytes.
     * Escaped data never holds a {@code #} (an escape, 0x7d, is followed by the byte xor 0x20,
     * and gdb and lldb choose run lengths whose count byte is not {@code #}), so the first one
     * ends the body; a stream that breaks that rule is still read right, a little more slowly.
     */
    private int indexOfHash(int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long found = zeroBytes((long) LONGS.get(buf, i) ^ HASHES);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (i < to && buf[i] != '#') {
            i++;
        }
        return i;
    }

    /**
     * The high bit set in each zero byte of {@code x} (and maybe in bytes above the first zero,
     * which the lowest set bit, in little-endian order the first byte, never is).
     */
    private static long zeroBytes(long x) {
        return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
    }

    private static byte[] append(byte[] body, int used, int more) {
        if (used + more <= body.length) {
            return body;
        }
        return Arrays.copyOf(body, Math.max(body.length * 2, used + more));
    }

    private int next() throws IOException {
        if (pos == limit && !fill()) {
            throw new EOFException("stream ended inside a packet");
        }
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        if (tee != null) {
            // Pass on what arrived so far before waiting for more.
            tee.write(buf, teeFrom, limit - teeFrom);
            teeFrom = 0;
        }
        int got = in.read(buf, 0, buf.length);
        if (got <= 0) {
            return false;
        }
        pos = 0;
        limit = got;
        return true;
    }
}
