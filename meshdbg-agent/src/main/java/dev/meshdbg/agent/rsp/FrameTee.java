package dev.meshdbg.agent.rsp;

/**
 * Where a {@link PacketReader} copies a packet's frame while it arrives, so that a relay can pass
 * a long reply on before its last byte is in. The reader calls {@link #begin()} at the frame's
 * {@code $}, then {@link #write} with the raw frame bytes in order, from {@code $} to the last
 * checksum digit, and {@link #end()}, which it always calls once begin() returned true, also when
 * the stream breaks inside the frame. Once the whole frame is in, it calls {@link #parsed} with
 * the packet <em>before</em> it writes the last piece: the peer cannot act on a packet before its
 * last byte, so whatever the relay records there is in place before the peer's next command.
 * A tee deals with its own write failures: reading goes on.
 */
public interface FrameTee {
    /** Whether to copy the packet now starting; called at its first byte. */
    boolean begin();

    void write(byte[] bytes, int offset, int length);

    /** The frame being copied, complete, with its last piece not yet written. */
    void parsed(Packet packet);

    void end();
}
