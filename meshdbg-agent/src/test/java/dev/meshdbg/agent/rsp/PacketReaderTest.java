package dev.meshdbg.agent.rsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketReaderTest {
    private static PacketReader reader(String stream) {
        return new PacketReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void readsAcksInterruptsPacketsAndNotifications() throws IOException {
        PacketReader r = reader("+$qSupported:multiprocess+#c6-\u0003%Stop:T05#b9junk$OK#9a");
        assertThat(r.read()).isEqualTo(Packet.ACK);
        Packet q = r.read();
        assertThat(q.type()).isEqualTo(Packet.Type.PACKET);
        assertThat(q.text()).isEqualTo("qSupported:multiprocess+");
        assertThat(q.checksumOk()).isEqualTo(Rsp.checksum(q.wire()) == 0xc6);
        assertThat(r.read()).isEqualTo(Packet.NACK);
        assertThat(r.read()).isEqualTo(Packet.INTERRUPT);
        Packet stop = r.read();
        assertThat(stop.type()).isEqualTo(Packet.Type.NOTIFICATION);
        assertThat(stop.text()).isEqualTo("Stop:T05");
        // Noise between frames is skipped.
        Packet ok = r.read();
        assertThat(ok.text()).isEqualTo("OK");
        assertThat(ok.checksumOk()).isTrue();
        assertThat(r.read()).isNull();
    }

    @Test
    void flagsABadChecksum() throws IOException {
        Packet p = reader("$OK#00").read();
        assertThat(p.text()).isEqualTo("OK");
        assertThat(p.checksumOk()).isFalse();
        assertThat(reader("$OK#zz").read().checksumOk()).isFalse();
    }

    @Test
    void keepsTheWireFormSoARelayForwardsItByteForByte() throws IOException {
        byte[] body = {'m', 0x7d, 0x03, 'x', '*', '"'}; // an escaped '#' and a run
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(Rsp.frame('$', body));
        Packet p = new PacketReader(new ByteArrayInputStream(stream.toByteArray())).read();
        assertThat(p.checksumOk()).isTrue();
        assertThat(p.wire()).containsExactly(body);
        assertThat(p.frame()).containsExactly(stream.toByteArray());
        assertThat(p.text()).isEqualTo("m#xxxxxx");
    }

    @Test
    void readsBinaryBodiesContainingEscapedFrameCharacters() throws IOException {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] frame = Rsp.frame('$', Rsp.escape(data));
        Packet p = new PacketReader(new ByteArrayInputStream(frame)).read();
        assertThat(p.checksumOk()).isTrue();
        assertThat(p.text().getBytes(StandardCharsets.ISO_8859_1)).containsExactly(data);
    }

    @Test
    void readsAFrameSplitAcrossManyReads() throws IOException {
        byte[] frame = "+$vCont;c:p2085.-1#ad$OK#9a".getBytes(StandardCharsets.ISO_8859_1);
        PacketReader r = new PacketReader(new OneByteAtATime(frame));
        assertThat(r.read()).isEqualTo(Packet.ACK);
        Packet p = r.read();
        assertThat(p.text()).isEqualTo("vCont;c:p2085.-1");
        assertThat(p.checksumOk()).isTrue();
        assertThat(r.read().text()).isEqualTo("OK");
    }

    @Test
    void readsMemoryReplyLargerThanItsBufferWithEscapesAtEveryOffset() throws IOException {
        // A 200 KB binary reply (an x/m packet's worth of memory): every byte value, so escapes
        // fall on every buffer boundary the reader may meet, read back in reads of 1-7 bytes.
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + i / 256);
        }
        byte[] wire = Rsp.escape(data);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(Rsp.frame('$', wire));
        stream.write("$OK#9a".getBytes(StandardCharsets.ISO_8859_1));
        PacketReader r = new PacketReader(new RaggedReads(stream.toByteArray()));
        Packet big = r.read();
        assertThat(big.checksumOk()).isTrue();
        assertThat(big.wire()).isEqualTo(wire);
        assertThat(Rsp.decode(big.wire())).isEqualTo(data);
        assertThat(r.read().text()).isEqualTo("OK");
        assertThat(r.read()).isNull();
    }

    @Test
    void aTeeGetsEachTakenFrameExactlyAsItArrivesAndNothingElse() throws IOException {
        byte[] data = new byte[150_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13 + i / 300);
        }
        byte[] big = Rsp.frame('$', Rsp.escape(data));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(big);
        stream.writeBytes("+%Stop:T05#b9$OK#9a".getBytes(StandardCharsets.ISO_8859_1));
        RecordingTee tee = new RecordingTee(true);
        PacketReader r = new PacketReader(new RaggedReads(stream.toByteArray()));
        Packet p = r.read(tee);
        assertThat(p.copied()).isTrue();
        assertThat(tee.copied.toByteArray()).isEqualTo(big);
        assertThat(tee.pieces).isGreaterThan(1); // passed on while it arrived, not at its end
        // Delivered already: it keeps only its head, enough for the relay to tell what it was.
        assertThat(p.wire()).isEqualTo(Arrays.copyOf(Rsp.escape(data), Packet.COPIED_HEAD));
        assertThatThrownBy(p::frame).isInstanceOf(IllegalStateException.class);
        assertThat(tee.begun).isEqualTo(1);
        assertThat(tee.ended).isEqualTo(1);
        // The relay learns the packet before its peer can see it whole: at least the last
        // checksum digit is still held back when parsed() runs.
        assertThat(tee.parsed).isSameAs(p);
        assertThat(tee.copiedWhenParsed).isLessThan(big.length);

        tee.copied.reset();
        assertThat(r.read(tee)).isEqualTo(Packet.ACK);
        Packet stop = r.read(tee); // notifications are never teed: begin() is not even asked
        assertThat(stop.copied()).isFalse();
        assertThat(tee.begun).isEqualTo(1);
        tee.take = false;
        Packet ok = r.read(tee);
        assertThat(ok.text()).isEqualTo("OK");
        assertThat(ok.copied()).isFalse();
        assertThat(tee.begun).isEqualTo(2);
        assertThat(tee.copied.size()).isZero();
    }

    @Test
    void aTeeIsEndedWhenTheStreamBreaksInsideItsFrame() {
        RecordingTee tee = new RecordingTee(true);
        assertThatThrownBy(() -> reader("$m1234,10#").read(tee)).isInstanceOf(EOFException.class);
        assertThat(tee.ended).isEqualTo(1);
        assertThat(tee.copied.toString(StandardCharsets.ISO_8859_1)).isEqualTo("$m1234,10#");
    }

    @Test
    void findsTheFrameEndWithSpecialBytesAtEveryOffsetOfAWord() throws IOException {
        // The reader looks for '#', '}' and '*' eight bytes at a time; put each at every offset.
        for (int offset = 0; offset < 24; offset++) {
            for (byte special : new byte[] {'#', '$', '}', '*', (byte) 0xa3, (byte) 0xfd}) {
                byte[] data = new byte[offset + 17];
                Arrays.fill(data, (byte) 'a');
                data[offset] = special;
                byte[] frame = Rsp.frame('$', Rsp.escape(data));
                Packet p = new PacketReader(new ByteArrayInputStream(frame)).read();
                assertThat(p.checksumOk()).as("offset %d byte %02x", offset, special).isTrue();
                assertThat(Rsp.decode(p.wire())).as("offset %d byte %02x", offset, special).isEqualTo(data);
            }
        }
        // A run-length count right before the end, and a run whose count byte is '}' (a run of 96).
        assertThat(reader("$0*\"#" + "00").read().text()).isEqualTo("000000");
        Packet run = reader("$a*}#00").read();
        assertThat(run.text()).isEqualTo("a".repeat(97));
    }

    @Test
    void aHashAfterAnEscapeOrRunMarkerIsDataEvenFromAStubThatShouldNotSendIt() throws IOException {
        // gdb and lldb never send these ('#' is escaped, and no run count is '#'), but gdb reads them.
        String[][] cases = {
            {"$x}#y#00", "x}#y"},      // escape, then '#' as its data byte
            {"$x*#y#00", "x*#y"},      // run marker, then '#' as its count
            {"$x*}#00", "x*}"},        // the count is '}': the '#' after it ends the body
            {"$}}#00", "}}"},          // escape, then '}' as data: the '#' ends the body
            {"$}#}#}##00", "}#}#}#"},  // several in a row
        };
        for (String[] c : cases) {
            byte[] frame = c[0].getBytes(StandardCharsets.ISO_8859_1);
            for (InputStream in : new InputStream[] {new ByteArrayInputStream(frame), new OneByteAtATime(frame)}) {
                Packet p = new PacketReader(in).read();
                assertThat(new String(p.wire(), StandardCharsets.ISO_8859_1)).as(c[0]).isEqualTo(c[1]);
            }
        }
    }

    private static final class RecordingTee implements FrameTee {
        final ByteArrayOutputStream copied = new ByteArrayOutputStream();
        boolean take;
        int begun;
        int ended;
        int pieces;
        Packet parsed;
        int copiedWhenParsed;

        RecordingTee(boolean take) {
            this.take = take;
        }

        @Override
        public boolean begin() {
            begun++;
            return take;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (length > 0) {
                pieces++;
            }
            copied.write(bytes, offset, length);
        }

        @Override
        public void parsed(Packet packet) {
            parsed = packet;
            copiedWhenParsed = copied.size();
        }

        @Override
        public void end() {
            ended++;
        }
    }

    /** Hands out 1 to 7 bytes per read, like a slow pipe. */
    private static final class RaggedReads extends ByteArrayInputStream {
        private int turn;

        RaggedReads(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + turn++ % 7));
        }
    }

    @Test
    void withoutAcksTheSentChecksumIsKeptAndForwardedUnchanged() throws IOException {
        PacketReader r = reader("$OK#00$OK#9a");
        r.verifyChecksums(false);
        for (String expected : new String[] {"$OK#00", "$OK#9a"}) {
            Packet p = r.read();
            assertThat(p.checksumOk()).isTrue(); // nothing to nack without acks
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.writeTo(out);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
    }

    @Test
    void endOfStreamInsideAPacketIsAnError() {
        assertThatThrownBy(() -> reader("$qSupported:multi").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("$OK#9").read()).isInstanceOf(EOFException.class);
    }

    /** Delivers one byte per read call, like a slow network. */
    private static final class OneByteAtATime extends InputStream {
        private final byte[] data;
        private int pos;

        OneByteAtATime(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            b[off] = data[pos++];
            return 1;
        }
    }
}
