package dev.meshdbg.kube;

import dev.meshdbg.agent.guard.SessionKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the simulated kubelet does with an agent container: pull it or fail to, run it, print
 * these log lines (the agent's events), and exit when told to.
 */
public final class FakeAgent {
    /** A kubelet waiting reason (ErrImagePull, ...) instead of running; null runs it. */
    volatile String waitingReason;
    volatile String waitingMessage;
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Set to mark the container terminated with this exit code. */
    public volatile Integer exitCode;
    /** The termination's reason and message (default: Error, none). */
    volatile String terminatedReason = "Error";
    volatile String terminatedMessage;

    /** The session key every fake agent reports; a real Guard in a test takes it too. */
    public static final SessionKey KEY = SessionKey.ofHex("00112233445566778899aabbccddeeff0011223344556677");

    public static FakeAgent readyOn(int port) {
        FakeAgent a = new FakeAgent();
        a.log.add("{\"event\":\"resolved\",\"hostPid\":4242,\"innerPid\":17,\"exe\":\"/usr/local/bin/envoy\"}");
        a.log.add("Picked up JAVA_TOOL_OPTIONS: noise that is not an event");
        a.log.add("{\"event\":\"ready\",\"address\":\"127.0.0.1\",\"port\":" + port
                + ",\"sessionKey\":\"" + KEY.hex() + "\",\"debugger\":\"gdb\",\"hostPid\":4242,\"innerPid\":17,\"buildId\":\"abcdef0123\"}");
        return a;
    }

    public static FakeAgent failingWith(String kind, String message) {
        FakeAgent a = new FakeAgent();
        a.log.add("{\"event\":\"error\",\"kind\":\"" + kind + "\",\"message\":\"" + message + "\"}");
        a.exitCode = 2;
        return a;
    }

    /** The runtime could not start the process (a missing launcher): terminated at once, as containerd reports it. */
    public static FakeAgent failingToStart(String reason, String message) {
        FakeAgent a = new FakeAgent();
        a.exitCode = 128;
        a.terminatedReason = reason;
        a.terminatedMessage = message;
        return a;
    }

    public static FakeAgent waiting(String reason, String message) {
        FakeAgent a = new FakeAgent();
        a.waitingReason = reason;
        a.waitingMessage = message;
        return a;
    }
}
