package dev.meshdbg.agent.stacks;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.rsp.RspChannel;
import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.errors.MeshdbgException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one short stop: starts the debug server (which attaches, stopping every thread), reads each
 * thread's registers and the top of its stack over the gdb remote protocol, and detaches — always,
 * in a finally; should the agent die mid-capture, the server loses its pipe or socket and detaches,
 * or dies and the kernel detaches. Everything else (names, maps, unwind tables) is done before or after.
 * <p>Requests are pipelined in waves, so the stop costs a few round trips plus the server's work,
 * not a few per thread: the thread list and the registers of the threads known beforehand, then
 * every stack (whose range needs the stack pointer) and the detach.
 */
public final class StackCapture {
    /**
     * The registers unwinding needs (the callee-saved ones, the stack pointer and pc) by their
     * numbers in both servers (rbx 1, rbp 6, rsp 7, r12-r15 12-15, rip 16), paired with their
     * DWARF numbers. gdbserver sends them in its {@code g} reply in this numbering, eight bytes
     * each; lldb-server's {@code g} is the kernel's register block instead, so it is asked with
     * {@code p}, one register at a time (gdbserver 13 does not answer {@code p}).
     */
    private static final int[][] SERVER_TO_DWARF = {{1, 3}, {6, 6}, {7, 7}, {12, 12}, {13, 13}, {14, 14}, {15, 15}, {16, 16}};
    /**
     * Bytes per {@code m} request: the hex reply (two characters a byte) fits the smallest packet
     * buffer of the servers we drive (gdbserver 13: 18 KiB; lldb-server: 128 KiB).
     */
    static final int MEMORY_CHUNK = 8192;
    /** Requests in flight at once: few enough that they always fit the pipe while replies wait for us. */
    private static final int PIPELINE = 64;

    /** The stacks, and how long the target was stopped at most: from starting the server to its detach reply. */
    public record Result(List<ThreadStack> threads, long pauseNanos) {
    }

    private final DebugServer.Spec spec;
    private final ProcMaps maps;
    private final int stackBytes;
    private final Collection<Long> knownTids;

    /** {@code knownTids}: the threads as read from /proc before the stop (in the server's numbering). */
    public StackCapture(DebugServer.Spec spec, ProcMaps maps, int stackBytes, Collection<Long> knownTids) {
        this.spec = spec;
        this.maps = maps;
        this.stackBytes = stackBytes;
        this.knownTids = List.copyOf(knownTids);
    }

    public Result run() {
        warmUp();
        long start = System.nanoTime();
        DebugServer server = new DebugServer(spec);
        try {
            server.start();
            try (RspChannel channel = server.open()) {
                boolean detached = false;
                try {
                    List<ThreadStack> threads = read(channel);
                    detached = true;
                    return new Result(threads, System.nanoTime() - start);
                } finally {
                    if (!detached) {
                        detach(channel);
                    }
                }
            }
        } catch (IOException e) {
            throw MeshdbgException.failure(spec.kind().serverName() + " conversation failed: " + e.getMessage()
                    + diagnostics(server), e);
        } finally {
            server.close();
        }
    }

    /** Reads everything and detaches (the last request of the last wave). */
    private List<ThreadStack> read(RspChannel channel) throws IOException {
        if (ask(channel, "QStartNoAckMode").equals("OK")) {
            channel.noAck(true);
        }
        // Wave 1: the list (gdbserver names one thread per reply, so ask enough times at once)
        // and the registers of the threads we knew of.
        List<String> wave = new ArrayList<>();
        wave.add("qfThreadInfo");
        for (int i = 0; i <= knownTids.size() + 2; i++) {
            wave.add("qsThreadInfo");
        }
        int listed = wave.size();
        knownTids.forEach(tid -> wave.addAll(registerRequests(tid)));
        List<String> replies = askAll(channel, wave);
        Set<Long> tids = new LinkedHashSet<>(threadIds(replies.subList(0, listed)));
        if (replies.get(listed - 1).startsWith("m")) {
            tids.addAll(threadIds(channel)); // more threads than we asked for: list the rest
        }
        List<long[]> registers = new ArrayList<>();
        List<Long> order = new ArrayList<>();
        int at = listed;
        int per = registerRequests(0).size();
        for (long tid : knownTids) {
            if (tids.contains(tid)) {
                order.add(tid);
                registers.add(registers(replies.subList(at, at + per)));
            }
            at += per;
        }
        List<Long> born = tids.stream().filter(t -> !knownTids.contains(t)).toList();
        List<String> late = new ArrayList<>();
        born.forEach(tid -> late.addAll(registerRequests(tid)));
        List<String> lateReplies = askAll(channel, late);
        for (int i = 0; i < born.size(); i++) {
            order.add(born.get(i));
            registers.add(registers(lateReplies.subList(i * per, (i + 1) * per)));
        }
        // Wave 2: every stack, then the detach.
        List<String> memory = new ArrayList<>();
        List<int[]> pieces = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long[] regs = registers.get(i);
            int first = memory.size();
            if (regs != null) {
                long sp = regs[ThreadStack.RSP];
                long end = maps.at(sp).map(ProcMaps.Mapping::end).orElse(sp);
                int length = (int) Math.max(0, Math.min(stackBytes, end - sp));
                memory.add("Hg" + Long.toHexString(order.get(i)));
                for (int done = 0; done < length; done += MEMORY_CHUNK) {
                    memory.add("m" + Long.toHexString(sp + done) + "," + Integer.toHexString(Math.min(MEMORY_CHUNK, length - done)));
                }
            }
            pieces.add(new int[] {first, memory.size()});
        }
        memory.add("D");
        List<String> memoryReplies = askAll(channel, memory);
        List<ThreadStack> threads = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long[] regs = registers.get(i);
            int[] range = pieces.get(i);
            if (regs != null) {
                threads.add(new ThreadStack(order.get(i), regs, regs[ThreadStack.RSP],
                        memory(memoryReplies.subList(range[0] + 1, range[1]))));
            }
        }
        return threads;
    }

    private List<String> registerRequests(long tid) {
        List<String> r = new ArrayList<>();
        r.add("Hg" + Long.toHexString(tid));
        if (spec.kind() == DebugServer.Kind.GDBSERVER) {
            r.add("g");
            return r;
        }
        for (int[] reg : SERVER_TO_DWARF) {
            r.add("p" + Integer.toHexString(reg[0]));
        }
        return r;
    }

    /** The rest of the thread list, one request at a time. */
    private static List<Long> threadIds(RspChannel channel) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String reply = ask(channel, "qsThreadInfo"); reply.startsWith("m"); reply = ask(channel, "qsThreadInfo")) {
            ids.addAll(threadIds(List.of(reply)));
        }
        return ids;
    }

    /** Thread ids from {@code m} replies ({@code mTID,TID} or {@code mpPID.TID}), until the first {@code l}. */
    private static List<Long> threadIds(List<String> replies) {
        List<Long> ids = new ArrayList<>();
        for (String reply : replies) {
            if (!reply.startsWith("m")) {
                break;
            }
            for (String id : reply.substring(1).split(",")) {
                int dot = id.indexOf('.');
                ids.add(Long.parseLong(dot >= 0 ? id.substring(dot + 1) : id, 16));
            }
        }
        return ids;
    }

    /** The bytes of consecutive {@code m} replies, up to the first that failed or came short. */
    private static byte[] memory(List<String> replies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String reply : replies) {
            if (reply.isEmpty() || reply.startsWith("E") || (reply.length() & 1) != 0) {
                break;
            }
            byte[] got = HexFormat.of().parseHex(reply);
            out.write(got, 0, got.length);
            if (got.length < MEMORY_CHUNK) {
                break;
            }
        }
        return out.toByteArray();
    }

    /**
     * Registers from the replies to {@link #registerRequests}: the thread selection, then one
     * little-endian hex value each. Null when the thread could not be selected (it ended).
     */
    private static long[] registers(List<String> replies) {
        if (!replies.get(0).equals("OK")) {
            return null;
        }
        long[] regs = new long[ThreadStack.REGISTERS];
        boolean whole = replies.size() == 2;
        for (int i = 0; i < SERVER_TO_DWARF.length; i++) {
            String reply = replies.get(whole ? 1 : i + 1);
            int at = whole ? SERVER_TO_DWARF[i][0] * 16 : 0;
            if (reply.length() >= at + 16) {
                String hex = reply.substring(at, at + 16);
                if (!hex.contains("x") && !reply.startsWith("E")) {
                    regs[SERVER_TO_DWARF[i][1]] = Long.reverseBytes(Long.parseUnsignedLong(hex, 16));
                }
            }
        }
        return regs;
    }

    /**
     * Sends requests and reads one reply for each, in order, {@value #PIPELINE} at a time.
     */
    private static List<String> askAll(RspChannel channel, List<String> requests) throws IOException {
        List<String> replies = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += PIPELINE) {
            List<String> batch = requests.subList(from, Math.min(requests.size(), from + PIPELINE));
            for (String r : batch) {
                channel.send(r);
            }
            for (String r : batch) {
                replies.add(reply(channel, r));
            }
        }
        return replies;
    }

    private static String ask(RspChannel channel, String request) throws IOException {
        channel.send(request);
        return reply(channel, request);
    }

    private static String reply(RspChannel channel, String request) throws IOException {
        for (;;) {
            Packet p = channel.receive();
            if (p == null) {
                throw new IOException("the debug server closed the connection after " + request);
            }
            if (p.isPacket() && !p.isConsoleOutput()) {
                return p.text();
            }
        }
    }

    /**
     * Runs the conversation's code once against canned replies, so that loading and first runs
     * of these classes happen while the target still runs, not during the stop.
     */
    static void warmUp() {
        String canned = frame("OK") + frame("m1") + frame("l") + frame("OK") + frame("0".repeat(16 * 17)) + frame("0011*\"");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RspChannel fake = new RspChannel(new ByteArrayInputStream(canned.getBytes(StandardCharsets.ISO_8859_1)), sink, sink);
        try {
            fake.noAck(true);
            List<String> r = askAll(fake, List.of("qfThreadInfo", "qsThreadInfo", "Hg1", "g", "m0,10"));
            threadIds(r.subList(0, 2));
            registers(r.subList(2, 4));
            memory(r.subList(4, 5));
        } catch (IOException | RuntimeException e) {
            // Only a warm-up: the real conversation reports its own failures.
        }
    }

    private static String frame(String body) {
        return new String(Packet.of(body).frame(), StandardCharsets.ISO_8859_1);
    }

    private static void detach(RspChannel channel) {
        try {
            ask(channel, "D");
        } catch (IOException e) {
            // The server is gone or deaf: closing it ends the trace, and the kernel resumes the target.
        }
    }

    private static String diagnostics(DebugServer server) {
        String said = server.diagnostics().strip();
        return said.isEmpty() ? "" : " (" + said.replaceAll("\\s*\\n\\s*", "; ") + ")";
    }
}
