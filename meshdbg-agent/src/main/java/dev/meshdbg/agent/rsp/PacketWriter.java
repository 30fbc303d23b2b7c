package dev.meshdbg.agent.rsp;

import java.io.IOException;
import java.io.OutputStream;

/** Writes whole units to a stream, one flush per unit so nothing waits in a buffer. Thread-safe. */
public final class PacketWriter {
    private final OutputStream out;

    public PacketWriter(OutputStream out) {
        this.out = out;
    }

    public synchronized void write(Packet packet) throws IOException {
        packet.writeTo(out);
        out.flush();
    }

    public void write(String text) throws IOException {
        write(Packet.of(text));
    }
}
