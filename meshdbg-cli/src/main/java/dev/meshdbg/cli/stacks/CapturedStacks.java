package dev.meshdbg.cli.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshdbg.symbols.symbolize.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * The stacks of one process as the agent captured them (its {@code stacks} event), with source
 * locations added on this side. {@code pod} is the pod name in a cluster, null on this machine.
 */
record CapturedStacks(String pod, long hostPid, long innerPid, String exe, String buildId, String server,
                      long pauseMicros, List<Thread> threads) {

    record Thread(long tid, String name, List<Frame> frames) {
    }

    /**
     * A frame: {@code pc} in the process, {@code module} (the file as the target sees it) and
     * {@code address} in it, the ELF {@code symbol} the agent found, and the source locations
     * (innermost first; more than one when inlined). {@code lookup} is the address to symbolize.
     */
    record Frame(long pc, String module, long address, boolean main, String symbol, List<SourceLocation> locations) {
        Frame withLocations(List<SourceLocation> l) {
            return new Frame(pc, module, address, main, symbol, List.copyOf(l));
        }
    }

    static CapturedStacks of(String pod, JsonNode event) {
        List<Thread> threads = new ArrayList<>();
        for (JsonNode t : event.path("threads")) {
            List<Frame> frames = new ArrayList<>();
            for (JsonNode f : t.path("frames")) {
                frames.add(new Frame(hex(f.path("pc").asText()), text(f, "module"), hex(f.path("address").asText()),
                        f.path("main").asBoolean(), text(f, "symbol"), List.of()));
            }
            threads.add(new Thread(t.path("tid").asLong(), t.path("name").asText("?"), frames));
        }
        return new CapturedStacks(pod, event.path("hostPid").asLong(),
                event.path("innerPid").asLong(), text(event, "exe"), text(event, "buildId"), text(event, "server"),
                event.path("pauseMicros").asLong(), threads);
    }

    CapturedStacks withThreads(List<Thread> t) {
        return new CapturedStacks(pod, hostPid, innerPid, exe, buildId, server, pauseMicros, t);
    }

    /** {@code POD pid N} in a cluster, {@code pid N (envoy)} on this machine. */
    String label() {
        String exeName = exe == null ? "?" : exe.substring(exe.lastIndexOf('/') + 1);
        return pod != null ? pod + " pid " + innerPid : "pid " + hostPid + " (" + exeName + ")";
    }

    double pauseMillis() {
        return pauseMicros / 1000.0;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long hex(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }
}
