package dev.meshdbg.agent.stacks;

import dev.meshdbg.agent.AgentEvents;
import dev.meshdbg.agent.AgentOptions;
import dev.meshdbg.agent.Json;
import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.HostnameReader;
import dev.meshdbg.agent.proc.ProcScanner;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.proc.Target;
import dev.meshdbg.agent.server.DebugServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's {@code --stacks} mode: resolve and check the target as for a debugging session,
 * prepare everything that can be prepared while it runs (thread names, memory map, the unwind
 * tables of its files), take the one short stop, then unwind and name the frames it can by ELF
 * symbols. Emits {@code resolved}, {@code verified}, {@code stacks} and {@code done}.
 */
public final class StacksRun {
    public static final String STACKS = "stacks";

    private StacksRun() {
    }

    public static int run(StacksOptions options, AgentEvents events) {
        AgentOptions o = options.agent();
        ProcScanner scanner = ProcScanner.system();
        Path proc = scanner.procRoot();
        Target target = o.query().resolve(scanner, HostnameReader.system(scanner));
        events.resolved(target);
        SymbolsCheck.Verdict verdict = SymbolsCheck.verify(proc, target.hostPid(), o.symbols(), o.ignoreMismatch());
        events.verified(verdict);
        DebugServerLocator.Placement placement = new DebugServerLocator(scanner).locate(target, o.debugger(), o.server());
        DebugServer.Spec spec = new DebugServer.Spec(o.debugger().serverKind(), placement.commandPrefix(),
                placement.binary(), placement.attachPid());

        Map<Long, ThreadNames.Named> names = ThreadNames.read(proc, target.hostPid());
        ProcMaps maps = ProcMaps.read(proc, target.hostPid());
        try (Modules modules = Modules.open(proc, target.hostPid(), target.exe(), maps)) {
            StackCapture.Result captured = new StackCapture(spec, maps, options.stackBytes(), names.keySet()).run();
            if (captured.threads().stream().anyMatch(t -> !names.containsKey(t.tid()))) {
                names.putAll(ThreadNames.read(proc, target.hostPid())); // threads born since the first read
            }
            Unwinder unwinder = new Unwinder(modules);
            List<Json> threads = new ArrayList<>();
            for (ThreadStack t : captured.threads()) {
                ThreadNames.Named named = names.get(t.tid());
                threads.add(Json.object().put("tid", t.tid()).put("hostTid", named == null ? null : named.hostTid())
                        .put("name", named == null ? "?" : named.name()).put("stackBytes", t.stack().length)
                        .put("frames", unwinder.unwind(t).stream().map(StacksRun::frame).toList()));
            }
            events.emit(STACKS, Json.object().put("hostPid", target.hostPid()).put("innerPid", target.innerPid())
                    .put("hostname", target.hostname()).put("exe", target.exe()).put("buildId", verdict.running())
                    .put("server", spec.kind().serverName())
                    .put("pauseMicros", captured.pauseNanos() / 1000).put("threads", threads));
        }
        events.emit(AgentEvents.DONE, Json.object().put("reason", "captured"));
        return 0;
    }

    private static Json frame(Frame f) {
        return Json.object().put("pc", hex(f.pc())).put("module", f.module()).put("address", hex(f.moduleAddress()))
                .put("main", f.mainExecutable()).put("symbol", f.symbol())
                .put("symbolOffset", f.symbol().isPresent() ? f.symbolOffset() : null);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
