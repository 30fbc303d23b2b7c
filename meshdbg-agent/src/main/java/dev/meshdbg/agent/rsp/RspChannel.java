package dev.meshdbg.agent.rsp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One leg of a gdb-remote conversation with its own acknowledgement state. In ack mode it acks
 * every good packet it receives, nacks a corrupt one, and retransmits its last packet when the
 * peer nacks; after {@code QStartNoAckMode} succeeds on this leg, {@link #noAck(boolean)} turns
 * all of that off. Acks never reach the caller, so a relay can treat each leg separately.
 */
public final class RspChannel implements Closeable {
    private final PacketReader reader;
    private final PacketWriter writer;
    private final Closeable resource;
    private volatile boolean noAck;
    private volatile Packet lastSent;

    public RspChannel(InputStream in, OutputStream out, Closeable resource) {
        this.reader = new PacketReader(in);
        this.writer = new PacketWriter(out);
        this.resource = resource;
    }

    /** The next packet, notification or interrupt byte; null when the peer closed the stream. */
    public Packet receive() throws IOException {
        return receive(null);
    }

    /**
     * Like {@link #receive()}, and a packet the tee takes is also copied to it as it arrives.
     * Only on a no-ack leg: with acks on, a packet must be whole and checked before it may go on.
     */
    public Packet receive(FrameTee copyTo) throws IOException {
        for (;;) {
            Packet p = reader.read(noAck ? copyTo : null);
            if (p == null) {
                return null;
            }
            switch (p.type()) {
                case ACK:
                    break;
                case NACK:
                    Packet again = lastSent;
                    if (again != null && !noAck) {
                        writer.write(again);
                    }
                    break;
                case PACKET:
                    if (!noAck) {
                        writer.write(p.checksumOk() ? Packet.ACK : Packet.NACK);
                        if (!p.checksumOk()) {
                            break;
                        }
                    }
                    return p;
                default:
                    // Notifications are never acknowledged; the interrupt byte is out of band.
                    return p;
            }
        }
    }

    public void send(Packet packet) throws IOException {
        if (packet.type() == Packet.Type.PACKET) {
            lastSent = packet;
        }
        writer.write(packet);
    }

    public void send(String text) throws IOException {
        send(Packet.of(text));
    }

    /**
     * A tee that relays packets from another leg onto this one as their bytes arrive, for those
     * that {@code when} approves at their start; {@code parsed} gets each one complete, before its
     * last byte goes out. Only once this leg is in no-ack mode: a peer that still acks could nack
     * a streamed packet, and there would be nothing whole to send again.
     */
    public FrameTee streamTo(BooleanSupplier when, Consumer<Packet> parsed) {
        return writer.streamTo(() -> noAck && when.getAsBoolean(), parsed);
    }

    public void sendInterrupt() throws IOException {
        writer.write(Packet.INTERRUPT);
    }

    public boolean noAck() {
        return noAck;
    }

    public void noAck(boolean on) {
        this.noAck = on;
        reader.verifyChecksums(!on);
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException ignored) {
            // Closing is best effort: the peer may be gone already.
        }
    }
}
