package dev.meshdbg.agent.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The proof that a connection to the guard comes from meshdbg's own session. 127.0.0.1 in a pod
 * is shared by every container in it, so a port there is open to all of them; without this any of
 * them could take ptrace control of Envoy (its memory, its mTLS keys). The agent makes a random
 * key when it starts and reports it only to the process that started it (its event stream: the
 * CLI's pipe, or the agent container's log, which needs {@code get pods/log}). meshdbg's end of
 * the forward sends one line before relaying:
 * <pre>meshdbg-session KEY relay</pre> for a debugger's connection, or
 * <pre>meshdbg-session KEY lease</pre> for the connection the CLI holds open while the session
 * lasts. Anything else is closed with nothing relayed.
 */
public final class SessionKey {
    public static final String MAGIC = "meshdbg-session";
    static final int MAX_LINE = 128;

    /** What an authenticated connection is for. */
    public enum Purpose {
        RELAY, LEASE;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final byte[] key;

    private SessionKey(byte[] key) {
        this.key = key;
    }

    public static SessionKey random() {
        byte[] k = new byte[24];
        new SecureRandom().nextBytes(k);
        return new SessionKey(k);
    }

    public static SessionKey ofHex(String hex) {
        return new SessionKey(HexFormat.of().parseHex(hex));
    }

    public String hex() {
        return HexFormat.of().formatHex(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionKey k && MessageDigest.isEqual(k.key, key);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "SessionKey(hidden)";
    }

    /** The line meshdbg's end writes first. */
    public byte[] preamble(Purpose purpose) {
        return (MAGIC + " " + hex() + " " + purpose.word() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public void writePreamble(OutputStream out, Purpose purpose) throws IOException {
        out.write(preamble(purpose));
        out.flush();
    }

    /**
     * Reads the first line byte by byte (nothing past it is consumed) and checks it; empty when
     * it is not this session's. Never more than {@value #MAX_LINE} bytes.
     */
    Optional<Purpose> check(InputStream in) throws IOException {
        byte[] line = new byte[MAX_LINE];
        int n = 0;
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || n == MAX_LINE) {
                return Optional.empty();
            }
            line[n++] = (byte) b;
        }
        String[] words = new String(line, 0, n, StandardCharsets.US_ASCII).split(" ");
        if (words.length != 3 || !words[0].equals(MAGIC)) {
            return Optional.empty();
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(words[1]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(given, key)) {
            return Optional.empty();
        }
        for (Purpose p : Purpose.values()) {
            if (p.word().equals(words[2])) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
