package dev.meshdbg.agent.rsp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into {@link Packet}s. Bytes outside a frame other than {@code + - ^C}
 * are skipped, as stubs do with line noise. A body may span any number of reads.
 */
public final class PacketReader {
    private final InputStream in;

    public PacketReader(InputStream in) {
        this.in = in;
    }

    /** The next unit, or null at the end of the stream between units. */
    public Packet read() throws IOException {
        for (;;) {
            int b = in.read();
            switch (b) {
                case -1: return null;
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
        ByteArrayOutputStream body = new ByteArrayOutputStream(64);
        for (;;) {
            int b = next();
            if (b == '#') {
                break;
            }
            body.write(b);
            if (b == Rsp.ESCAPE || b == '*') {
                // The byte after an escape or a run-length marker is data, even if it is '#'.
                body.write(next());
            }
        }
        int hi = Character.digit(next(), 16);
        int lo = Character.digit(next(), 16);
        byte[] wire = body.toByteArray();
        boolean ok = hi >= 0 && lo >= 0 && ((hi << 4) | lo) == Rsp.checksum(wire);
        return new Packet(type, wire, ok);
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a packet");
        }
        return b;
    }
}
