package dev.meshdbg.agent;

import dev.meshdbg.agent.guard.Guard;
import dev.meshdbg.agent.guard.SessionKey;
import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.HostnameReader;
import dev.meshdbg.agent.proc.ProcScanner;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.proc.Target;
import dev.meshdbg.agent.proc.TargetWatch;
import dev.meshdbg.agent.server.DebugServer;
import dev.meshdbg.agent.stacks.StacksOptions;
import dev.meshdbg.agent.stacks.StacksRun;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent: finds the target, checks the symbols, and guards a debug server attached to it
 * (started when a client connects, in the target's namespaces). Runs beside the target — as the
 * CLI's child locally, or inside the pod — and reports only through JSON events on stdout.
 * SIGTERM or SIGINT detach (removing the client's breakpoints) and end with {@code done}.
 * Exit codes: 0 done, 1 failure, 2 bad input.
 */
public final class AgentMain {
    /** Where a debug image built by meshdbg puts the agent's launcher (jlinked runtime + agent jar). */
    public static final String IMAGE_LAUNCHER = dev.meshdbg.agent.proc.DebugServerLocator.IMAGE_DIR + "/meshdbg-agent";

    /**
     * The JVM bounds every launcher of the agent uses: it lives in Envoy's pod (and cgroup), so a
     * bounded heap, metadata and code cache cannot push Envoy into an OOM kill.
     */
    public static final java.util.List<String> MEMORY_OPTIONS = java.util.List.of("-Xmx96m", "-XX:MaxMetaspaceSize=48m",
            "-XX:ReservedCodeCacheSize=32m", "-Xss512k", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError");

    /** How long a debugger may take to see the target's exit from its server before the guard closes. */
    private static final java.time.Duration TARGET_GONE_GRACE = java.time.Duration.ofSeconds(3);

    private AgentMain() {
    }

    public static void main(String[] args) throws UnsupportedEncodingException {
        AgentEvents events = new AgentEvents(new PrintStream(System.out, true, "UTF-8"));
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.err.println(AgentOptions.USAGE + "\n" + StacksOptions.USAGE);
            System.exit(0);
        }
        int code;
        try {
            code = StacksOptions.requested(List.of(args))
                    ? StacksRun.run(StacksOptions.parse(List.of(args)), events)
                    : run(AgentOptions.parse(List.of(args)), events);
        } catch (MeshdbgException e) {
            events.error(e);
            code = e.exitCode();
        } catch (RuntimeException e) {
            events.error(MeshdbgException.failure("internal error: " + e, e));
            code = 1;
        }
        System.exit(code);
    }

    static int run(AgentOptions options, AgentEvents events) {
        ProcScanner scanner = ProcScanner.system();
        Target target = options.query().resolve(scanner, HostnameReader.system(scanner));
        events.resolved(target);
        SymbolsCheck.Verdict verdict = SymbolsCheck.verify(scanner.procRoot(), target.hostPid(), options.symbols(),
                options.ignoreMismatch());
        events.verified(verdict);
        Optional<String> buildId = verdict.method().equals("code-hash")
                ? SymbolsCheck.runningBuildId(scanner.procRoot(), target.hostPid()).map(BuildId::hex)
                : verdict.running();
        DebugServerLocator.Placement placement = new DebugServerLocator(scanner)
                .locate(target, options.debugger(), options.server());
        DebugServer.Spec spec = new DebugServer.Spec(options.debugger().serverKind(), placement.commandPrefix(),
                placement.binary(), placement.attachPid(), placement.hostPid());

        GuardEvents listener = new GuardEvents(events);
        SessionKey key = SessionKey.random();
        Guard guard = new Guard(new Guard.Config(options.port(), options.maxPause().orElse(null), options.idleTimeout(),
                options.allowKill(), spec.kind(), placement.fileRoot(), key, options.stay()), () -> new DebugServer(spec), listener);
        listener.guard(guard);
        InetSocketAddress address = guard.start();
        AtomicBoolean signalled = new AtomicBoolean();
        Thread onSignal = new Thread(() -> {
            signalled.set(true);
            guard.close();
            System.err.println("HOOK closed"); // detaches a connected client's session, removing its breakpoints
            events.emit(AgentEvents.DONE, Json.object().put("reason", "signal"));
            Runtime.getRuntime().halt(0);
        }, "meshdbg-agent-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        if (options.leaveWithParent()) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(listener::parentGone));
        }
        TargetWatch.start(scanner.procRoot(), target, exit -> {
            listener.targetExited(exit);
            guard.closeAfterClient(TARGET_GONE_GRACE);
        });
        events.ready(address, key, options.debugger().cliName(), placement, target, buildId.orElse(null));
        try {
            guard.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            guard.close();
        }
        if (signalled.get()) {
            parkForever(); // the signal hook reports done and halts
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            parkForever();
        }
        events.emit(AgentEvents.DONE, Json.object().put("reason", listener.endReason()));
        return listener.endReason().equals("target-exited") ? 1 : 0;
    }

    private static void parkForever() {
        while (true) {
            LockSupport.park();
        }
    }
}
