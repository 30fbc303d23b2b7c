package dev.meshdbg.kube;

import dev.meshdbg.agent.AgentMain;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's command line in the pod. Ephemeral mode shares the sidecar's PID namespace and finds
 * Envoy by name; node mode runs with the host's PIDs and finds it by the sidecar's container id.
 */
public record AgentCommand(String executable, String debugger, Integer port, Duration maxPause,
                           Duration idleTimeout, String processName, String symbolsBuildId, String symbolsCodeHash,
                           boolean ignoreBuildIdMismatch, List<String> modeArgs) {

    public AgentCommand {
        modeArgs = List.copyOf(modeArgs);
    }

    public AgentCommand(String executable, String debugger, Integer port, Duration maxPause, Duration idleTimeout,
                        String processName, String symbolsBuildId, String symbolsCodeHash, boolean ignoreBuildIdMismatch) {
        this(executable, debugger, port, maxPause, idleTimeout, processName, symbolsBuildId, symbolsCodeHash,
                ignoreBuildIdMismatch, List.of());
    }

    public AgentCommand(String executable, String debugger, Integer port, Duration maxPause, Duration idleTimeout,
                        String processName) {
        this(executable, debugger, port, maxPause, idleTimeout, processName, null, null, false);
    }

    /**
     * The agent in another mode than guarding, e.g. {@code --stacks}: these arguments come first,
     * the target and symbol arguments after them.
     */
    public AgentCommand withModeArgs(List<String> args) {
        return new AgentCommand(executable, debugger, port, maxPause, idleTimeout, processName, symbolsBuildId,
                symbolsCodeHash, ignoreBuildIdMismatch, args);
    }

    /**
     * The agent refuses to attach unless the running Envoy matches these local symbols: by build-id,
     * else by the hash of its loadable code (Istio's stock Envoy is another link of the same code).
     */
    public AgentCommand withSymbols(Path symbols, boolean ignoreMismatch) {
        try (ElfFile elf = ElfFile.open(symbols)) {
            return new AgentCommand(executable, debugger, port, maxPause, idleTimeout, processName,
                    elf.buildId().map(BuildId::hex).orElse(null), HexFormat.of().formatHex(elf.loadableCodeHash()),
                    ignoreMismatch, modeArgs);
        }
    }

    public static AgentCommand defaults() {
        return new AgentCommand(AgentMain.IMAGE_LAUNCHER, "gdb", null, null, Duration.ofMinutes(15), "envoy");
    }

    public List<String> command() {
        return List.of(executable);
    }

    public List<String> argsForProcessName() {
        List<String> args = common();
        args.add("--name");
        args.add(processName);
        return args;
    }

    public List<String> argsForContainer(String containerId) {
        List<String> args = common();
        args.add("--container");
        args.add(containerId);
        return args;
    }

    private List<String> common() {
        List<String> args = new ArrayList<>(modeArgs);
        args.add("--debugger");
        args.add(debugger);
        if (port != null) {
            args.add("--port");
            args.add(Integer.toString(port));
        }
        if (maxPause != null) {
            args.add("--max-pause");
            args.add(format(maxPause));
        }
        if (symbolsBuildId != null) {
            args.add("--symbols-build-id");
            args.add(symbolsBuildId);
        }
        if (symbolsCodeHash != null) {
            args.add("--symbols-code-hash");
            args.add(symbolsCodeHash);
        }
        if (ignoreBuildIdMismatch) {
            args.add("--ignore-build-id-mismatch");
        }
        if (idleTimeout != null) {
            args.add("--idle-timeout");
            args.add(format(idleTimeout));
        }
        return args;
    }

    /** Durations go over as seconds ("90s"): the plainest form any parser reads. */
    static String format(Duration d) {
        return Math.max(1, d.toSeconds()) + "s";
    }
}
