package dev.meshdbg.agent.rsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RspTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void checksumIsTheSumOfTheBodyModulo256() {
        // Values seen on the wire from gdb 13 and gdbserver 13.
        assertThat(Rsp.checksum(bytes("OK"))).isEqualTo(0x9a);
        assertThat(Rsp.checksum(bytes("QStartNoAckMode"))).isEqualTo(0xb0);
        assertThat(Rsp.checksum(bytes("vMustReplyEmpty"))).isEqualTo(0x3a);
        assertThat(Rsp.checksum(bytes(""))).isEqualTo(0);
        assertThat(text(Rsp.frame('$', bytes("OK")))).isEqualTo("$OK#9a");
        assertThat(text(Rsp.frame('%', bytes("Stop:T05")))).startsWith("%Stop:T05#");
    }

    @Test
    void escapesTheFourReservedBytes() {
        byte[] data = {'a', '$', '#', 0x7d, '*', 'b'};
        byte[] wire = Rsp.escape(data);
        assertThat(wire).containsExactly('a', 0x7d, '$' ^ 0x20, 0x7d, '#' ^ 0x20, 0x7d, 0x7d ^ 0x20, 0x7d, '*' ^ 0x20, 'b');
        assertThat(Rsp.unescape(wire)).containsExactly(data);
        assertThat(Rsp.decode(wire)).containsExactly(data);
    }

    @Test
    void expandsRunLengthEncoding() {
        // "0* " is '0' plus 32-29 = 3 more: four zeros (gdb's manual example).
        assertThat(text(Rsp.decode(bytes("0* ")))).isEqualTo("0000");
        // From gdbserver's qTStatus reply: "50*!" is '5', '0' and then 33-29 = 4 more zeros.
        assertThat(text(Rsp.decode(bytes("tfree:50*!;")))).isEqualTo("tfree:500000;");
        // '"' is 34: five more.
        assertThat(text(Rsp.decode(bytes("a*\"b")))).isEqualTo("aaaaaab");
    }

    @Test
    void runLengthRepeatsTheEscapedByteAsSentThenUnescapes() {
        // RLE works on wire bytes (as gdb's and lldb's readers do): "}]" then "*!" repeats ']' raw,
        // so the data is 0x7d then "]]]]" after unescaping the first pair only.
        byte[] decoded = Rsp.decode(new byte[] {0x7d, ']', '*', '!'});
        assertThat(decoded).containsExactly(0x7d, ']', ']', ']', ']');
    }

    @Test
    void encodesRunsItCanAndRoundTrips() {
        byte[] wire = Rsp.runLengthEncode(bytes("00000000000000000000ab"));
        assertThat(text(wire)).startsWith("0*").hasSizeLessThan(22);
        assertThat(text(Rsp.decode(wire))).isEqualTo("00000000000000000000ab");
        // Runs of 7 and 8 would need '#' or '$' as a count: encoded shorter instead.
        for (int n = 1; n < 120; n++) {
            String run = "x".repeat(n);
            byte[] encoded = Rsp.runLengthEncode(bytes(run));
            assertThat(text(encoded)).doesNotContain("#").doesNotContain("$");
            assertThat(text(Rsp.decode(encoded))).as("run of " + n).isEqualTo(run);
        }
    }

    @Test
    void hexRoundTrips() {
        assertThat(Rsp.hex("hi\n")).isEqualTo("68690a");
        assertThat(Rsp.unhex("6d65736864626720e29c93")).isEqualTo("meshdbg \u2713");
    }
}
