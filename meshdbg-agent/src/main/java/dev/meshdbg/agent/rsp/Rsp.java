package dev.meshdbg.agent.rsp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The gdb remote serial protocol's encodings: checksums, binary escapes ({@code }} then the byte
 * xor 0x20), run-length encoding ({@code X*n} repeats X n-29 more times) and hex text.
 */
public final class Rsp {
    public static final byte ESCAPE = 0x7d;
    public static final byte INTERRUPT = 0x03;

    private Rsp() {
    }

    /** The modulo-256 sum of the bytes between {@code $} and {@code #}, as sent. */
    public static int checksum(byte[] wire) {
        return checksum(wire, wire.length);
    }

    /** The checksum of the first {@code length} bytes. */
    public static int checksum(byte[] wire, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += wire[i] & 0xff;
        }
        return sum & 0xff;
    }

    /** {@code $payload#xx} for a payload already escaped as it must appear on the wire. */
    public static byte[] frame(char start, byte[] wire) {
        byte[] out = new byte[wire.length + 4];
        out[0] = (byte) start;
        System.arraycopy(wire, 0, out, 1, wire.length);
        int sum = checksum(wire);
        out[wire.length + 1] = '#';
        out[wire.length + 2] = (byte) hexDigit(sum >> 4);
        out[wire.length + 3] = (byte) hexDigit(sum & 0xf);
        return out;
    }

    /** Escapes the bytes a packet body may not carry raw: {@code $ # } *}. */
    public static byte[] escape(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 8);
        for (byte b : data) {
            if (b == '$' || b == '#' || b == ESCAPE || b == '*') {
                out.write(ESCAPE);
                out.write(b ^ 0x20);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes a body as received: expands run-length encoding, then removes binary escapes. Like gdb
     * and lldb, the expansion works on wire bytes: {@code X*n} repeats the byte X as sent.
     */
    public static byte[] decode(byte[] wire) {
        return unescape(expandRuns(wire));
    }

    /** Expands {@code X*n} into X followed by n-29 more copies of X. */
    public static byte[] expandRuns(byte[] wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length);
        int last = -1;
        for (int i = 0; i < wire.length; i++) {
            byte b = wire[i];
            if (b == ESCAPE && i + 1 < wire.length) {
                // An escaped byte is data, never a run marker.
                out.write(b);
                last = wire[++i] & 0xff;
                out.write(last);
            } else if (b == '*' && last >= 0 && i + 1 < wire.length) {
                int repeat = (wire[++i] & 0xff) - 29;
                for (int r = 0; r < repeat; r++) {
                    out.write(last);
                }
            } else {
                last = b & 0xff;
                out.write(last);
            }
        }
        return out.toByteArray();
    }

    /** Removes binary escapes: {@code } X} becomes X xor 0x20. */
    public static byte[] unescape(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == ESCAPE && i + 1 < data.length) {
                out.write(data[++i] ^ 0x20);
            } else {
                out.write(data[i]);
            }
        }
        return out.toByteArray();
    }

    /** Run-length encodes text bodies the way stubs do, avoiding counts that would read as {@code $ # + -}. */
    public static byte[] runLengthEncode(byte[] wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length);
        int i = 0;
        while (i < wire.length) {
            byte b = wire[i];
            int run = 1;
            while (i + run < wire.length && wire[i + run] == b && run < 98) {
                run++;
            }
            out.write(b);
            int extra = run - 1;
            // Counts of 6 and 7 would encode as '#' and '$'; shorter runs are not worth it.
            while (extra == 6 || extra == 7) {
                extra--;
            }
            if (extra >= 3 && b != ESCAPE && b != '*') {
                out.write('*');
                out.write(extra + 29);
                i += extra + 1;
            } else {
                i++;
            }
        }
        return out.toByteArray();
    }

    public static String hex(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sb.append(hexDigit((b >> 4) & 0xf)).append(hexDigit(b & 0xf));
        }
        return sb.toString();
    }

    public static String unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static char hexDigit(int v) {
        return "0123456789abcdef".charAt(v & 0xf);
    }
}
