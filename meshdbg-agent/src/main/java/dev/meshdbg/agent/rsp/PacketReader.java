package dev.meshdbg.agent.rsp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into {@link Packet}s. Bytes outside a frame other than {@code + - ^C}
 * are skipped, as stubs do with line noise. A body may span any number of reads.
 * <p>Memory reads make packets of tens of kilobytes, so a body is scanned in bulk out of an
 * internal buffer and copied in runs, not read a byte at a time.
 */
public final class PacketReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    /** Grows to the largest body seen and is reused, so big replies do not regrow it each time. */
    private byte[] scratch = new byte[1 << 12];
    private int pos;
    private int limit;
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
        for (;;) {
            if (pos == limit && !fill()) {
                return null;
            }
            int b = buf[pos++] & 0xff;
            switch (b) {
                case '+': return Packet.ACK;
                case '-': return Packet.NACK;
                case Rsp.INTERRUPT: return Packet.INTERRUPT;
                case '$': return body(Packet.Type.PACKET);
                case '%': return body(Packet.Type.NOTIFICATION);
                default: break; // noise between frames
            }
        }
    }

    private Packet body(Packet.Type type) throws IOException {
        byte[] body = scratch;
        int n = 0;
        for (;;) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ended inside a packet");
            }
            int start = pos;
            while (pos < limit) {
                byte c = buf[pos];
                if (c == '#' || c == Rsp.ESCAPE || c == '*') {
                    break;
                }
                pos++;
            }
            body = append(body, n, pos - start);
            System.arraycopy(buf, start, body, n, pos - start);
            n += pos - start;
            if (pos == limit) {
                continue;
            }
            byte c = buf[pos++];
            if (c == '#') {
                break;
            }
            // The byte after an escape or a run-length marker is data, even if it is '#'.
            body = append(body, n, 2);
            body[n++] = c;
            body[n++] = (byte) next();
        }
        scratch = body;
        int hi = Character.digit(next(), 16);
        int lo = Character.digit(next(), 16);
        byte[] wire = Arrays.copyOf(body, n);
        if (!verify && hi >= 0 && lo >= 0) {
            return new Packet(type, wire, (hi << 4) | lo, true);
        }
        int sum = Rsp.checksum(wire);
        boolean ok = hi >= 0 && lo >= 0 && ((hi << 4) | lo) == sum;
        return new Packet(type, wire, sum, ok);
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
        int got = in.read(buf, 0, buf.length);
        if (got <= 0) {
            return false;
        }
        pos = 0;
        limit = got;
        return true;
    }
}
