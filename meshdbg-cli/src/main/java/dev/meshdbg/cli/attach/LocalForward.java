package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshdbg.agent.guard.SessionForwarder;
import dev.meshdbg.agent.guard.SessionKey;
import java.net.InetSocketAddress;

/**
 * The debugger's way to a local agent's guard: the guard admits only connections that present the
 * session key, which a debugger cannot, so meshdbg listens on the port the debugger is given
 * and relays to the guard after the key.
 */
public final class LocalForward {
    private LocalForward() {
    }

    /**
     * Opens the forward for a {@code ready} event and rewrites the event to point at it: {@code port}
     * becomes the forward's, the guard's moves to {@code guardPort}, and the key is not passed on.
     */
    public static SessionForwarder open(ObjectNode ready, int localPort) {
        InetSocketAddress guard = new InetSocketAddress(ready.path("address").asText("127.0.0.1"), ready.path("port").asInt());
        SessionKey key = SessionKey.ofHex(ready.path("sessionKey").asText());
        SessionForwarder forwarder = SessionForwarder.open(localPort, key, SessionForwarder.tcp(guard), null);
        ready.remove("sessionKey");
        ready.put("guardPort", guard.getPort());
        ready.put("port", forwarder.port());
        return forwarder;
    }
}
