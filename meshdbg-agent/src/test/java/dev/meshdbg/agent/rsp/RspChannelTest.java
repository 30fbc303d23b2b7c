package dev.meshdbg.agent.rsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RspChannelTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private RspChannel channel(String incoming) {
        return new RspChannel(new ByteArrayInputStream(incoming.getBytes(StandardCharsets.ISO_8859_1)), sent, () -> { });
    }

    private String sent() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void inAckModeAcksGoodPacketsNacksBadOnesAndHidesAcks() throws IOException {
        RspChannel c = channel("+$OK#00$OK#9a+");
        Packet p = c.receive();
        assertThat(p.text()).isEqualTo("OK");
        assertThat(p.checksumOk()).isTrue();
        // The corrupt copy was nacked, the good one acked; the peer's '+' never reached us.
        assertThat(sent()).isEqualTo("-+");
        assertThat(c.receive()).isNull();
    }

    @Test
    void retransmitsTheLastPacketWhenThePeerNacks() throws IOException {
        RspChannel c = channel("-$OK#9a");
        c.send("qSupported");
        assertThat(c.receive().text()).isEqualTo("OK");
        assertThat(sent()).isEqualTo("$qSupported#37$qSupported#37+");
    }

    @Test
    void afterNoAckModeNeitherAcksNorRetransmits() throws IOException {
        // The transition as gdb makes it: QStartNoAckMode, '+', OK, then the client acks the OK
        // and nobody acks anything after that.
        RspChannel c = channel("+$OK#9a+$T05#b9-$S05#b8");
        c.send("QStartNoAckMode");
        Packet ok = c.receive();
        assertThat(ok.text()).isEqualTo("OK");
        assertThat(sent()).isEqualTo("$QStartNoAckMode#b0+");
        c.noAck(true);
        assertThat(c.receive().text()).isEqualTo("T05");
        assertThat(c.receive().text()).isEqualTo("S05");
        assertThat(sent()).isEqualTo("$QStartNoAckMode#b0+");
        assertThat(c.noAck()).isTrue();
    }

    @Test
    void passesInterruptsAndNotificationsWithoutAcking() throws IOException {
        RspChannel c = channel("\u0003%Stop:T05#b9");
        assertThat(c.receive()).isEqualTo(Packet.INTERRUPT);
        assertThat(c.receive().type()).isEqualTo(Packet.Type.NOTIFICATION);
        assertThat(sent()).isEmpty();
        c.sendInterrupt();
        assertThat(sent()).isEqualTo("\u0003");
    }

    @Test
    void streamsAPacketOnOnlyWhenBothLegsAreInNoAckMode() throws IOException {
        ByteArrayOutputStream clientSide = new ByteArrayOutputStream();
        RspChannel client = new RspChannel(InputStream.nullInputStream(), clientSide, () -> { });
        RspChannel server = channel("$m0,4#fd$01020304#8a$OK#9a");
        FrameTee tee = client.streamTo(() -> true, p -> { });

        Packet acked = server.receive(tee); // the server leg still acks: the packet must be checked first
        assertThat(acked.copied()).isFalse();
        server.noAck(true);
        Packet early = server.receive(tee); // the client leg still acks: it could nack a streamed frame
        assertThat(early.copied()).isFalse();
        assertThat(clientSide.size()).isZero();

        client.noAck(true);
        Packet streamed = server.receive(tee);
        assertThat(streamed.copied()).isTrue();
        assertThat(clientSide.toString(StandardCharsets.ISO_8859_1)).isEqualTo("$OK#9a");
    }

    @Test
    void aStreamedFrameHoldsOffOtherWritersUntilItsEnd() throws Exception {
        ByteArrayOutputStream clientSide = new ByteArrayOutputStream();
        RspChannel client = new RspChannel(InputStream.nullInputStream(), clientSide, () -> { });
        client.noAck(true);
        FrameTee tee = client.streamTo(() -> true, p -> { });
        assertThat(tee.begin()).isTrue();
        byte[] head = "$0102".getBytes(StandardCharsets.ISO_8859_1);
        tee.write(head, 0, head.length);
        Thread other = new Thread(() -> {
            try {
                client.send("O6869");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        other.start();
        other.join(300);
        assertThat(other.isAlive()).as("a send while a frame streams waits for it").isTrue();
        byte[] tail = "0304#8a".getBytes(StandardCharsets.ISO_8859_1);
        tee.write(tail, 0, tail.length);
        tee.end();
        other.join(5000);
        assertThat(clientSide.toString(StandardCharsets.ISO_8859_1)).isEqualTo("$01020304#8a" + new String(Packet.of("O6869").frame(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aClientThatFailsMidFrameDoesNotDesyncTheServerLeg() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        RspChannel client = new RspChannel(InputStream.nullInputStream(), broken, () -> { });
        client.noAck(true);
        RspChannel server = channel("$01020304#8a$OK#9a");
        server.noAck(true);
        FrameTee tee = client.streamTo(() -> true, p -> { });
        assertThat(server.receive(tee).text()).isEqualTo("01020304");
        assertThat(server.receive(tee).text()).isEqualTo("OK");
        // The tee gave the lock back after each frame: the next whole write reaches the stream (and fails there).
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send("OK")).hasMessage("Broken pipe");
    }
}
