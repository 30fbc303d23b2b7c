package dev.meshdbg.agent.rsp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Writes whole units to a stream, one flush per unit so nothing waits in a buffer. Thread-safe:
 * a frame copied through piece by piece ({@link #streamTo}) holds off other writers until it is
 * complete, so units never interleave.
 */
public final class PacketWriter {
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    public PacketWriter(OutputStream out) {
        this.out = out;
    }

    public void write(Packet packet) throws IOException {
        lock.lock();
        try {
            packet.writeTo(out);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    public void write(String text) throws IOException {
        write(Packet.of(text));
    }

    /**
     * A tee that copies frames onto this stream as they arrive, when {@code when} says so at a
     * frame's start, and hands each complete one to {@code parsed} before its last piece. Each
     * piece is flushed at once. After a failed write the rest of that frame is dropped (the peer
     * is gone; whoever writes next sees the error) while the reader goes on.
     */
    public FrameTee streamTo(BooleanSupplier when, Consumer<Packet> parsed) {
        return new FrameTee() {
            private boolean failed;

            @Override
            public boolean begin() {
                if (!when.getAsBoolean()) {
                    return false;
                }
                lock.lock();
                failed = false;
                return true;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                if (failed || length == 0) {
                    return;
                }
                try {
                    out.write(bytes, offset, length);
                    out.flush();
                } catch (IOException e) {
                    failed = true;
                }
            }

            @Override
            public void parsed(Packet packet) {
                parsed.accept(packet);
            }

            @Override
            public void end() {
                lock.unlock();
            }
        };
    }
}
