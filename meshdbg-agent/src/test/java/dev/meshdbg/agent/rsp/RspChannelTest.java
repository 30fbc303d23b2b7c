package dev.meshdbg.agent.rsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
}
