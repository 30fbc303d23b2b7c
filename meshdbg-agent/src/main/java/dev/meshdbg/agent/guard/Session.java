package dev.meshdbg.agent.guard;

import dev.meshdbg.agent.rsp.FrameTee;
import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.RspChannel;
import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One client's session: attaches the debug server when the client first speaks, relays both ways
 * while watching the conversation ({@link TargetState}), and whatever way it ends — detach, EOF,
 * reset, kill, max pause, shutdown — leaves the target detached, without the client's
 * breakpoints, and running. Two threads: this one reads the client, another reads the server.
 */
final class Session {
    /** Put in the reply queue when the server's stream ends; compared by identity. */
    static final Packet SERVER_GONE = Packet.of("");

    private final Socket socket;
    private final RspChannel client;
    private final String peer;
    private final Guard.Config config;
    private final Supplier<DebugServer> servers;
    private final GuardListener listener;
    private final Consumer<Session> onEnd;
    private final TargetFiles files;

    private final Object lock = new Object();
    private final TargetState state = new TargetState();
    private final BlockingQueue<Packet> takeoverReplies = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String farewell;
    private volatile boolean clientIsGdb;
    private boolean takenOver;
    private boolean ending;
    private boolean ended;
    private DebugServer server;
    private RspChannel serverLink;

    Session(Socket socket, Guard.Config config, Supplier<DebugServer> servers, GuardListener listener,
            Consumer<Session> onEnd) throws IOException {
        this.socket = socket;
        this.client = Sockets.channel(socket);
        this.peer = Sockets.peer(socket);
        this.config = config;
        this.servers = servers;
        this.listener = listener;
        this.onEnd = onEnd;
        this.files = new TargetFiles(config.fileRoot());
    }

    String peer() {
        return peer;
    }

    void start() {
        Sockets.daemon("guard-client " + peer, this::readClient);
    }

    private void readClient() {
        String reason = "the debugger closed the connection";
        try {
            for (Packet p; (p = client.receive()) != null; ) {
                String notice = farewell;
                if (notice != null) {
                    // Detached already (max pause): tell the client at its next request, then close.
                    new Refusal(notice, clientIsGdb, nonStop()).answer(client, p);
                    break;
                }
                if (!fromClient(p)) {
                    break;
                }
            }
        } catch (IOException e) {
            reason = "the connection to the debugger broke (" + e.getMessage() + ")";
        } catch (MeshdbgException e) {
            listener.error(e);
            reason = e.getMessage();
        } catch (RuntimeException e) {
            listener.error(MeshdbgException.failure("guard relay failed: " + e, e));
            reason = "guard relay failed";
        }
        end(reason, null, null, false);
        Sockets.closeGracefully(socket);
    }

    /** Handles one unit from the client; false when the session is over. */
    private boolean fromClient(Packet p) throws IOException {
        if (p.type() == Packet.Type.INTERRUPT) {
            RspChannel link = serverLink;
            if (link != null && !isTakenOver()) {
                link.sendInterrupt();
                if (config.kind() == DebugServer.Kind.GDBSERVER) {
                    String resume = state.pending();
                    Takeover.helpInterrupt(server, () -> {
                        synchronized (lock) {
                            return !takenOver && state.running() && state.pending() == resume;
                        }
                    });
                }
            }
            return true;
        }
        if (!p.isPacket()) {
            return true;
        }
        String text = p.text();
        if (text.equals("QStartNoAckMode")) {
            // Each leg negotiates its own ack mode; the server leg did so when it was attached.
            client.send("OK");
            client.noAck(true);
            return true;
        }
        if (text.startsWith("qSupported")) {
            clientIsGdb = Debuggers.pairedServer(text).filter(k -> k == DebugServer.Kind.GDBSERVER).isPresent();
        }
        if (serverLink == null && !attach(p)) {
            return false;
        }
        if (TargetState.isKill(text) && !config.allowKill()) {
            // lldb's k expects an exit status; gdb's vKill expects OK.
            String reply = text.equals("k") ? "X09" : "OK";
            end("the debugger sent kill (" + text + "); detached instead (--allow-kill to kill)", reply, null, false);
            return false;
        }
        if (text.startsWith("D") && state.breakpoints().size() > 0) {
            removeBreakpointsBeforeClientDetach();
        }
        synchronized (lock) {
            if (takenOver) {
                return true;
            }
            state.clientSent(p);
        }
        serverLink.send(files.rewrite(p));
        return true;
    }

    /** Starts the debug server for this client, unless it pairs with the other kind of server. */
    private boolean attach(Packet first) throws IOException {
        Optional<String> mismatch = Debuggers.mismatch(first.text(), config.kind());
        if (mismatch.isPresent()) {
            listener.refused(peer, mismatch.get());
            new Refusal("meshdbg: " + mismatch.get(), clientIsGdb).answer(client, first);
            markEnded(true);
            return false;
        }
        DebugServer started = servers.get();
        String endpoint;
        try {
            endpoint = started.start();
        } catch (MeshdbgException e) {
            listener.error(e);
            new Refusal("meshdbg: " + e.getMessage(), clientIsGdb).answer(client, first);
            markEnded(true);
            return false;
        }
        RspChannel link;
        try {
            link = Sockets.handshake(started.open());
        } catch (IOException e) {
            started.close(); // the kernel detaches; nothing was inserted yet
            throw e;
        }
        synchronized (lock) {
            server = started;
            serverLink = link;
            state.attached();
        }
        Sockets.daemon("guard-server " + peer, () -> readServer(link));
        listener.attached(endpoint);
        return true;
    }

    private void readServer(RspChannel link) {
        // Replies the guard does not watch (memory, registers) go on to the client as they
        // arrive, and are settled before their last byte does: the client answers a reply at
        // once, and what it sends next must meet the state this reply left.
        FrameTee toClient = client.streamTo(() -> {
            synchronized (lock) {
                return !takenOver && state.replyUnwatched();
            }
        }, this::settle);
        try {
            for (Packet p; (p = link.receive(toClient)) != null; ) {
                if (!p.copied() && settle(p)) {
                    // A client that is gone fails here; its own reader sees that and ends the
                    // session, which still needs this thread to read the server's replies.
                    Sockets.sendQuietly(client, p);
                }
            }
        } catch (IOException e) {
            // The server's stream broke: treated like its end below.
        }
        takeoverReplies.add(SERVER_GONE);
        if (!isTakenOver()) {
            end("the debug server exited", null, null, false);
        }
    }

    /** Records what a server packet tells; false when it is for a takeover, not the client. */
    private boolean settle(Packet p) {
        synchronized (lock) {
            if (takenOver) {
                takeoverReplies.add(p);
                return false;
            }
            state.serverSent(p);
        }
        exitStatus(p).ifPresent(listener::targetEnded);
        return true;
    }

    private static final java.util.regex.Pattern EXIT = java.util.regex.Pattern.compile("([WX])([0-9a-fA-F]{1,2})(;.*)?");

    /**
     * {@code W}/{@code X} and the exit code or signal in hex (gdbserver writes one digit when it
     * can: {@code X9;process:1f}), as a wait status.
     */
    static Optional<Integer> exitStatus(Packet p) {
        if (!p.isPacket() || p.copied()) {
            return Optional.empty(); // a streamed reply is memory, not an exit
        }
        java.util.regex.Matcher m = EXIT.matcher(p.text());
        if (!m.matches()) {
            return Optional.empty();
        }
        int value = Integer.parseInt(m.group(2), 16);
        return Optional.of(m.group(1).equals("W") ? value << 8 : value);
    }

    /** gdb and lldb remove their breakpoints before {@code D}; this makes sure of it, for lldb-server. */
    private void removeBreakpointsBeforeClientDetach() throws IOException {
        synchronized (lock) {
            if (takenOver || state.running() || state.pending() != null) {
                return;
            }
            takenOver = true;
        }
        try {
            new Takeover(serverLink, takeoverReplies, state).removeBreakpoints();
        } finally {
            synchronized (lock) {
                takenOver = false;
            }
        }
    }

    /** Detaches a target stopped for longer than the limit, telling the client first. */
    void checkMaxPause(Duration maxPause) {
        long stopped;
        synchronized (lock) {
            if (ending || ended || takenOver || serverLink == null) {
                return;
            }
            stopped = state.stoppedNanos();
        }
        if (stopped > maxPause.toNanos()) {
            end("the target was stopped for longer than --max-pause " + Guard.describe(maxPause), null,
                    "meshdbg: the target was stopped for longer than " + Guard.describe(maxPause)
                            + " (--max-pause), so meshdbg detached and it runs again; reconnect to debug it", true);
        }
    }

    /**
     * Ends the session once, from whichever thread notices first, and leaves the target detached
     * and running. {@code killReply} answers a kill the guard turned into a detach. {@code notice}
     * is shown to the client: right away as console output when it waits for a running target,
     * otherwise (when {@code linger}) as the answer to its next request, before the close.
     */
    void end(String reason, String killReply, String notice, boolean linger) {
        boolean clientWaits;
        synchronized (lock) {
            if (ended || ending) {
                return;
            }
            ending = true;
            takenOver = true;
            clientWaits = state.running();
        }
        if (notice != null && clientWaits) {
            Sockets.sendQuietly(client, Takeover.consoleText(notice + "\n"));
        }
        detachForClient(reason);
        if (killReply != null) {
            Sockets.sendQuietly(client, killReply);
        }
        listener.clientDisconnected(reason);
        if (notice != null && linger && !clientWaits) {
            farewell = notice;
            markEnded(false);
        } else {
            markEnded(true);
        }
    }

    private void detachForClient(String reason) {
        DebugServer s;
        RspChannel link;
        synchronized (lock) {
            s = server;
            link = serverLink;
        }
        if (s != null) {
            new Takeover(link, takeoverReplies, state).detachAndStop(s, reason, listener);
        }
    }

    private boolean nonStop() {
        synchronized (lock) {
            return state.nonStop();
        }
    }

    private boolean isTakenOver() {
        synchronized (lock) {
            return takenOver;
        }
    }

    private void markEnded(boolean close) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            takenOver = true;
        }
        if (close) {
            Sockets.closeSoon(socket);
        }
        finished.countDown();
        onEnd.accept(this);
    }

    /** Waits until the session has ended (the target is detached), at most the given time. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
