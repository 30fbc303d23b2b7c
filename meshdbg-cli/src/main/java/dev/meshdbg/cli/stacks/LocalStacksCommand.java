package dev.meshdbg.cli.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.stacks.StacksOptions;
import dev.meshdbg.agent.stacks.StacksRun;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.cli.attach.AgentProcess;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.cli.FetchProgress;
import dev.meshdbg.cli.LocalTargetOptions;
import dev.meshdbg.cli.SymbolSourceOptions;
import dev.meshdbg.symbols.symbolize.LlvmSymbolizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stacks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Symbolized backtraces of every thread of a process on this machine, taken in one short stop:",
            "the debug server attaches, registers and stack tops are read, it detaches; unwinding and",
            "symbolizing happen after the target runs again. Identical stacks are printed once."})
public final class LocalStacksCommand implements Callable<Integer> {
    @Option(names = "--local", required = true, description = "The target is on this machine.")
    boolean local;

    @Mixin
    LocalTargetOptions target;

    @Mixin
    SymbolSourceOptions symbolSource;

    @Option(names = "--ignore-build-id-mismatch", description = "Go on when the symbols do not match the running binary.")
    boolean ignoreMismatch;

    /** The symbol file resolved before the stop (given, or fetched by the proxy SHA), if any. */
    private Optional<Path> symbols = Optional.empty();

    @Option(names = "--debugger", paramLabel = "gdb|lldb", defaultValue = "gdb",
            description = "Whose debug server stops the target: gdb (gdbserver) or lldb (lldb-server). Default: ${DEFAULT-VALUE}.")
    String debugger;

    @Option(names = "--server", paramLabel = "PATH", description = "Debug server path in the target's filesystem (default: searched).")
    String server;

    @Option(names = "--stack-bytes", paramLabel = "N", defaultValue = "" + StacksOptions.DEFAULT_STACK_BYTES,
            description = "Bytes copied from each thread's stack pointer up during the stop (default: ${DEFAULT-VALUE}).")
    int stackBytes;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        symbols = symbolSource.resolveLocal(target.query(),
                new FetchProgress(spec.commandLine().getErr()));
        List<String> args = agentArgs();
        StacksOptions.parse(args); // bad input is refused here, before anything starts
        AtomicReference<JsonNode> error = new AtomicReference<>();
        AtomicReference<JsonNode> captured = new AtomicReference<>();
        AgentProcess agent = AgentProcess.start(args, event -> {
            String kind = event.path("event").asText();
            if (kind.equals("error")) {
                error.set(event);
            } else if (kind.equals(StacksRun.STACKS)) {
                captured.set(event);
            }
        });
        int code = agent.await();
        if (error.get() != null) {
            String message = error.get().path("message").asText();
            throw error.get().path("kind").asText().equals("BAD_INPUT")
                    ? MeshdbgException.badInput(message) : MeshdbgException.failure(message, null);
        }
        if (captured.get() == null) {
            throw MeshdbgException.failure("the agent exited with " + code + " without stacks: " + agent.stderr(), null);
        }
        CapturedStacks raw = CapturedStacks.of(null, captured.get());
        Optional<LlvmSymbolizer> symbolizer = LlvmSymbolizer.find();
        CapturedStacks stacks = new FrameSymbolizer(symbolizer).symbolize(raw, f -> localFile(raw.hostPid(), f));
        StacksPrinter.print(spec.commandLine().getOut(), spec.commandLine().getErr(), output.json(), List.of(stacks),
                symbolizer.isPresent());
        return 0;
    }

    /** On this machine every module is at hand: the executable as the symbol file or through /proc, the rest through the target's root. */
    private Optional<Path> localFile(long hostPid, CapturedStacks.Frame f) {
        if (f.module() == null) {
            return Optional.empty();
        }
        if (f.main()) {
            return Optional.of(symbols.orElse(Path.of("/proc/" + hostPid + "/exe")));
        }
        return Optional.of(Path.of("/proc/" + hostPid + "/root" + f.module()));
    }

    List<String> agentArgs() {
        List<String> args = new ArrayList<>();
        args.add(StacksOptions.FLAG);
        target.addTo(args);
        add(args, "--debugger", Debugger.parse(debugger).cliName());
        add(args, "--server", server);
        add(args, "--stack-bytes", Integer.toString(stackBytes));
        Optional<Path> file = symbols;
        if (file.isPresent()) {
            SymbolsCheck.Expected expected = SymbolsCheck.Expected.of(file.get());
            expected.buildId().ifPresent(id -> add(args, "--symbols-build-id", id.hex()));
            expected.codeHash().ifPresent(h -> add(args, "--symbols-code-hash", h));
        }
        if (ignoreMismatch) {
            args.add("--ignore-build-id-mismatch");
        }
        return args;
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
        }
    }
}
