package dev.meshdbg.agent.rsp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One unit read from a gdb-remote stream: a {@code $} packet, a {@code %} notification, an ack,
 * a nack, or the out-of-band interrupt byte. A packet keeps its body exactly as it was on the
 * wire (escaped, maybe run-length encoded) so a relay can forward it byte for byte.
 */
public final class Packet {
    public enum Type { PACKET, NOTIFICATION, ACK, NACK, INTERRUPT }

    public static final Packet ACK = new Packet(Type.ACK, new byte[0], true);
    public static final Packet NACK = new Packet(Type.NACK, new byte[0], true);
    public static final Packet INTERRUPT = new Packet(Type.INTERRUPT, new byte[0], true);

    /** How much of a copied packet's body is kept. */
    public static final int COPIED_HEAD = 64;

    private final Type type;
    private final byte[] wire;
    private final boolean checksumOk;
    private final boolean copied;
    private int checksum = -1;
    private String text;

    Packet(Type type, byte[] wire, boolean checksumOk) {
        this(type, wire, -1, checksumOk, false);
    }

    /** A packet read off the wire, with the checksum it carried or the reader summed. */
    Packet(Type type, byte[] wire, int checksum, boolean checksumOk, boolean copied) {
        this.type = type;
        this.wire = wire;
        this.checksum = checksum;
        this.checksumOk = checksumOk;
        this.copied = copied;
    }

    /** A packet whose body is the given text, escaped for the wire. */
    public static Packet of(String text) {
        return new Packet(Type.PACKET, Rsp.escape(text.getBytes(StandardCharsets.ISO_8859_1)), true);
    }

    public static Packet notification(String text) {
        return new Packet(Type.NOTIFICATION, Rsp.escape(text.getBytes(StandardCharsets.ISO_8859_1)), true);
    }

    public Type type() {
        return type;
    }

    public boolean isPacket() {
        return type == Type.PACKET;
    }

    /** False when the checksum did not match the body; the receiver answers with a nack. */
    public boolean checksumOk() {
        return checksumOk;
    }

    /**
     * True when the reader already copied this packet to a {@link FrameTee} as it arrived. Such a
     * packet has been delivered and keeps only the first {@value #COPIED_HEAD} bytes of its body:
     * {@link #wire()}, {@link #text()} and the tests on them see that head, enough to tell a stop
     * reply, {@code OK}, an error or console output; it cannot be written again.
     */
    public boolean copied() {
        return copied;
    }

    /** The body as sent: escaped and possibly run-length encoded. */
    public byte[] wire() {
        return wire.clone();
    }

    /** The decoded body as ISO-8859-1 text, so binary bytes survive one to one. */
    public String text() {
        if (text == null) {
            text = new String(Rsp.decode(wire), StandardCharsets.ISO_8859_1);
        }
        return text;
    }

    /**
     * Puts this unit on a stream without building the frame in a new array: a memory reply is
     * tens of kilobytes, and a relay forwards every one.
     */
    void writeTo(java.io.OutputStream out) throws java.io.IOException {
        requireWhole();
        if (type != Type.PACKET && type != Type.NOTIFICATION) {
            out.write(frame());
            return;
        }
        int sum = checksum >= 0 ? checksum : (checksum = Rsp.checksum(wire));
        out.write(type == Type.NOTIFICATION ? '%' : '$');
        out.write(wire);
        out.write('#');
        out.write(Rsp.hexDigit(sum >> 4));
        out.write(Rsp.hexDigit(sum & 0xf));
    }

    /** The bytes to put on a stream for this unit. */
    public byte[] frame() {
        requireWhole();
        switch (type) {
            case ACK: return new byte[] {'+'};
            case NACK: return new byte[] {'-'};
            case INTERRUPT: return new byte[] {Rsp.INTERRUPT};
            case NOTIFICATION: return Rsp.frame('%', wire);
            default: return Rsp.frame('$', wire);
        }
    }

    private void requireWhole() {
        if (copied) {
            throw new IllegalStateException("a packet passed on as it arrived is not kept whole: " + this);
        }
    }

    /** An {@code O} console-output reply, told from {@code OK} without decoding the body. */
    public boolean isConsoleOutput() {
        return type == Type.PACKET && wire.length > 0 && wire[0] == 'O' && !(wire.length == 2 && wire[1] == 'K');
    }

    public boolean startsWith(String prefix) {
        return text().startsWith(prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Packet p && p.type == type && Arrays.equals(p.wire, wire);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(wire);
    }

    /** Short, printable form for logs and messages. */
    @Override
    public String toString() {
        switch (type) {
            case ACK: return "+";
            case NACK: return "-";
            case INTERRUPT: return "^C";
            default:
                String t = text();
                StringBuilder sb = new StringBuilder(type == Type.NOTIFICATION ? "%" : "$");
                for (int i = 0; i < Math.min(t.length(), 80); i++) {
                    char c = t.charAt(i);
                    sb.append(c >= 0x20 && c < 0x7f ? c : '.');
                }
                return t.length() > 80 ? sb.append("...").toString() : sb.toString();
        }
    }
}
