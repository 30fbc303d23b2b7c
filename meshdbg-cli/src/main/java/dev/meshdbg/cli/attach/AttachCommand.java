package dev.meshdbg.cli.attach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.meshdbg.agent.AgentOptions;
import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.cli.FetchProgress;
import dev.meshdbg.cli.LocalTargetOptions;
import dev.meshdbg.cli.SymbolSourceOptions;
import dev.meshdbg.client.ClientKind;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.util.concurrent.CompletableFuture;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.errors.MeshdbgException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.meshdbg.agent.guard.SessionForwarder;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attach a debugger to a process on this machine, safely: the debug server runs in the",
            "target's namespaces behind the guard, which detaches (removing breakpoints) whatever the client does.",
            "Ctrl-C detaches and exits 0 with the target running."})
public final class AttachCommand implements Callable<Integer> {
    @Option(names = "--local", required = true, description = "The target is on this machine (the only mode of this command so far).")
    boolean local;

    @Mixin
    LocalTargetOptions target;

    @Mixin
    SymbolSourceOptions symbolSource;

    /** --symbols, or the release symbols fetched by the running Envoy's proxy SHA; null without either. */
    Path symbols;

    @Option(names = "--source-root", paramLabel = "DIR", description = "Local source tree (the bazel workspace) for the source map.")
    Path sourceRoot;

    @Option(names = "--debugger", paramLabel = "gdb|lldb",
            description = "gdb (gdbserver) or lldb (lldb-server). Default: lldb for --client lldb or symbols with a .dwp, else gdb.")
    String debugger;

    @Option(names = "--non-stop", description = "gdb in non-stop mode: a breakpoint stops only the thread that hits it, the others serve on.")
    boolean nonStop;

    @Option(names = "--client", paramLabel = "lldb|gdb|vscode|none", defaultValue = "none",
            description = "Start this client, or write configs and print how to connect (none, the default).")
    String client;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".meshdbg", description = "Where client configs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "The port a debugger connects to, on 127.0.0.1 (default: a free one).")
    int port;

    @Option(names = "--max-pause", paramLabel = "DURATION", description = "Detach when the target stays stopped longer than this (e.g. 10m).")
    String maxPause;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30m", description = "Exit after this long with no client (default: ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Option(names = "--allow-kill", description = "Let the client kill the target (by default kill becomes detach).")
    boolean allowKill;

    @Option(names = "--ignore-build-id-mismatch", description = "Go on when the symbols do not match the running binary (build-id and code).")
    boolean ignoreMismatch;

    @Option(names = "--server", paramLabel = "PATH", description = "Debug server path in the target's filesystem (default: searched).")
    String server;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClientKind clientKind = ClientKind.parse(client);
        AgentOptions.parse(agentArgs("gdb")); // the agent's options are refused before a fetch
        symbols = resolveSymbols();
        Debugger debuggerKind = Debugger.parse(debugger != null ? debugger : clientKind == ClientKind.LLDB ? "lldb"
                : clientKind == ClientKind.GDB ? "gdb" : SymbolSourceOptions.preferredDebugger(symbols).orElse("gdb"));
        if (clientKind.terminalDebugger() != null && clientKind.terminalDebugger().name() != debuggerKind.name()) {
            throw MeshdbgException.badInput("--client " + client + " cannot drive --debugger " + debuggerKind.cliName()
                    + ": lldb pairs with lldb-server and gdb with gdbserver");
        }
        if (nonStop && debuggerKind.name().equals("LLDB")) {
            throw MeshdbgException.badInput(SessionSpec.LLDB_CANNOT_NON_STOP);
        }
        List<String> args = agentArgs(debuggerKind.cliName());
        AgentOptions.parse(args); // bad input is refused here, before anything starts
        ClientSide clientSide = new ClientSide(clientKind, dev.meshdbg.client.Debugger.valueOf(debuggerKind.name()),
                symbols, sourceRoot, out, nonStop);
        clientSide.checkInstalled();
        SourceMap map = clientSide.sourceMap();

        PrintWriter stdout = spec.commandLine().getOut();
        reportSymbols(stdout, debuggerKind);
        AttachReport report = new AttachReport(stdout, symbols == null ? "" : symbols.toString());
        AtomicReference<JsonNode> error = new AtomicReference<>();
        AtomicReference<String> exited = new AtomicReference<>();
        AtomicReference<SessionForwarder> forwarder = new AtomicReference<>();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        AgentProcess agent = AgentProcess.start(args, event -> {
            String kind = event.path("event").asText();
            if (kind.equals("error")) {
                error.set(event);
                return; // reported once, as meshdbg's own error line
            }
            if (kind.equals("target-exited")) {
                exited.set(event.path("message").asText());
            }
            if (kind.equals("ready")) {
                try {
                    forwarder.set(LocalForward.open((ObjectNode) event, port));
                    clientSide.prepare((ObjectNode) event, map);
                } catch (MeshdbgException e) {
                    ((ObjectNode) event).put("configError", e.getMessage());
                }
            }
            if (output.json()) {
                OutputOption.printJsonLine(stdout, event);
            } else {
                report.print(event);
                if (kind.equals("ready") && !event.has("configError") && !clientSide.runsDebugger()) {
                    stdout.print(clientSide.instructions());
                    stdout.flush();
                }
            }
            if (kind.equals("ready")) {
                ready.complete(true);
            }
        });
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread onCtrlC = new Thread(() -> {
            interrupted.set(true);
            agent.stop();
            stdout.flush();
            Runtime.getRuntime().halt(0); // Ctrl-C is how a person ends a session: success
        }, "meshdbg-detach");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        agent.onExit(() -> ready.complete(false));
        if (clientSide.runsDebugger() && ready.get()) {
            clientSide.runDebugger();
            agent.stop(); // the person quit the debugger: detach and leave the target running
        }
        int code = agent.await();
        Optional.ofNullable(forwarder.get()).ifPresent(SessionForwarder::close);
        try {
            if (interrupted.get()) {
                parkForever(); // the hook relays the agent's last events and exits 0
            }
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException shuttingDown) {
            parkForever();
        }
        if (error.get() != null) {
            String message = error.get().path("message").asText();
            throw error.get().path("kind").asText().equals("BAD_INPUT")
                    ? MeshdbgException.badInput(message) : MeshdbgException.failure(message, null);
        }
        if (exited.get() != null) {
            throw MeshdbgException.failure(exited.get() + "; the session is over", null);
        }
        if (code != 0 && !(clientSide.runsDebugger() && ready.getNow(false))) {
            throw MeshdbgException.failure("the agent exited with " + code + ": " + agent.stderr(), null);
        }
        return 0;
    }

    /**
     * --symbols, else the release symbols of the target's proxy SHA. The target is resolved here
     * (read-only, as the agent will) to read its environment and binary; no SHA means no symbols.
     */
    private Path resolveSymbols() {
        return symbolSource.resolveLocal(target.query(),
                new FetchProgress(spec.commandLine().getErr())).orElse(null);
    }

    /** Which symbols, where they came from, and why this debugger: before the agent's first event. */
    private void reportSymbols(PrintWriter stdout, Debugger debuggerKind) {
        if (symbols == null) {
            return;
        }
        boolean byDwp = debugger == null && debuggerKind == Debugger.LLDB
                && SymbolSourceOptions.preferredDebugger(symbols).isPresent();
        if (output.json()) {
            ObjectNode e = JsonNodeFactory.instance.objectNode().put("event", "symbols").put("path", symbols.toString());
            symbolSource.fetched().ifPresent(f -> e.put("proxySha", f.sha().sha().hex()).put("shaFrom", f.sha().from())
                    .put("source", f.source()).put("cached", f.cached()));
            e.put("debugger", debuggerKind.cliName());
            if (byDwp) {
                e.put("debuggerReason", SymbolSourceOptions.LLDB_FOR_DWP);
            }
            OutputOption.printJsonLine(stdout, e);
            return;
        }
        if (symbolSource.fetched().isPresent()) { // --symbols FILE is named by the agent's check below
            stdout.println("Symbols: " + symbolSource.describe(symbols));
        }
        if (byDwp) {
            stdout.println("Debugger: " + SymbolSourceOptions.LLDB_FOR_DWP);
        }
        stdout.flush();
    }

    private static void parkForever() {
        while (true) {
            LockSupport.park();
        }
    }

    List<String> agentArgs(String debuggerName) {
        List<String> args = new ArrayList<>();
        target.addTo(args);
        add(args, "--debugger", debuggerName);
        add(args, "--server", server);
        add(args, "--max-pause", maxPause);
        add(args, "--idle-timeout", idleTimeout);
        if (allowKill) {
            args.add("--allow-kill");
        }
        if (ignoreMismatch) {
            args.add("--ignore-build-id-mismatch");
        }
        if (symbols != null) {
            SymbolsCheck.Expected expected = SymbolsCheck.Expected.of(symbols);
            expected.buildId().ifPresent(id -> add(args, "--symbols-build-id", id.hex()));
            expected.codeHash().ifPresent(h -> add(args, "--symbols-code-hash", h));
        }
        args.add("--leave-with-parent");
        return args;
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
        }
    }
}
