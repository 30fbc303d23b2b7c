package dev.meshdbg.agent.rsp;

/**
 * Where a {@link PacketReader} copies a packet's frame while it arrives, so that a relay can pass
 * a long reply on before its last byte is in. The reader calls {@link #begin()} at the frame's
 * {@code $}, then {@link #write} with the raw frame bytes in order, from {@code $} to the last
 * checksum digit, then {@link #end()}, which it always calls once begin() returned true, also when
 * the stream breaks inside the frame. A tee deals with its own write failures: reading goes on.
 */
public interface FrameTee {
    /** Whether to copy the packet now starting; called at its first byte. */
    boolean begin();

    void write(byte[] bytes, int offset, int length);

    void end();
}
