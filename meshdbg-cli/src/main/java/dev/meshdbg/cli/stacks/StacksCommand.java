package dev.meshdbg.cli.stacks;

import dev.meshdbg.agent.AgentMain;
import dev.meshdbg.agent.stacks.StacksOptions;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.cli.kube.DurationConverter;
import dev.meshdbg.cli.kube.KubeOptions;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.kube.AgentCommand;
import dev.meshdbg.kube.AttachOptions;
import dev.meshdbg.kube.Mode;
import dev.meshdbg.kube.ResolvedTarget;
import dev.meshdbg.kube.SessionListener;
import dev.meshdbg.kube.StacksSession;
import dev.meshdbg.kube.TargetRef;
import dev.meshdbg.cli.FetchProgress;
import dev.meshdbg.cli.SymbolSourceOptions;
import dev.meshdbg.kube.PodResolver;
import dev.meshdbg.kube.PodShaLookup;
import dev.meshdbg.symbols.fetch.FetchListener;
import dev.meshdbg.symbols.fetch.ShaLookup;
import dev.meshdbg.symbols.symbolize.LlvmSymbolizer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "stacks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Symbolized backtraces of every Envoy thread of a pod, or of every ready pod of a workload",
            "(in parallel), each taken in one short stop. TARGET: POD, pod/NAME, deploy/NAME, sts/NAME or ds/NAME.",
            "The agent unwinds in the pod; Envoy's frames are symbolized here with --symbols.",
            "With --local, a process on this machine instead: see meshdbg stacks --local --help."})
public final class StacksCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TARGET", description = "The pod or workload.")
    String target;

    @Option(names = "--local", description = "The target is a process on this machine: meshdbg stacks --local --help.")
    boolean local;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Mixin
    KubeOptions kube;

    @Option(names = "--pod-selector", paramLabel = "K=V[,K=V]", description = "Only pods with these labels.")
    String podSelector;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", defaultValue = AttachOptions.DEFAULT_SIDECAR,
            description = "The sidecar container (default: ${DEFAULT-VALUE}).")
    String container;

    @Mixin
    SymbolSourceOptions symbolSource;

    @Option(names = "--ignore-build-id-mismatch", description = "Go on when the symbols do not match the running binary.")
    boolean ignoreMismatch;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "ephemeral",
            description = "ephemeral (default): a container in each pod; node: a privileged pod on each pod's node.")
    Mode mode;

    @Option(names = "--image", paramLabel = "REF", description = "Agent image (default: the sidecar's own image).")
    String image;

    @Option(names = "--agent-namespace", paramLabel = "NS", defaultValue = AttachOptions.DEFAULT_AGENT_NAMESPACE,
            description = "Namespace for node-mode pods (default: ${DEFAULT-VALUE}; created when missing).")
    String agentNamespace;

    @Option(names = "--agent-command", paramLabel = "PATH", defaultValue = AgentMain.IMAGE_LAUNCHER,
            description = "The agent in the image (default: ${DEFAULT-VALUE}).")
    String agentCommand;

    @Option(names = "--process", paramLabel = "NAME", defaultValue = "envoy",
            description = "Ephemeral mode: the process to capture (default: ${DEFAULT-VALUE}).")
    String process;

    @Option(names = "--debugger", paramLabel = "gdb|lldb", defaultValue = "gdb",
            description = "Debug server in the pod that makes the stop: gdb (gdbserver) or lldb (lldb-server).")
    String debugger;

    @Option(names = "--stack-bytes", paramLabel = "N", defaultValue = "" + StacksOptions.DEFAULT_STACK_BYTES,
            description = "Bytes copied from each thread's stack pointer up during the stop (default: ${DEFAULT-VALUE}).")
    int stackBytes;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "How long to wait for each pod's agent (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--node-pod-deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10m", description = "Node mode: the pod's activeDeadlineSeconds (default: ${DEFAULT-VALUE}).")
    Duration nodePodDeadline;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (local) {
            throw MeshdbgException.badInput("stacks --local is handled by the local stacks command");
        }
        if (!unmatched.isEmpty()) {
            throw MeshdbgException.badInput("unknown option or argument for stacks TARGET: " + String.join(" ", unmatched)
                    + (unmatched.stream().anyMatch(a -> List.of("--pid", "--name", "--pod", "--server").contains(a))
                    ? " (an option of stacks --local)" : ""));
        }
        if (target == null && podSelector == null) {
            throw MeshdbgException.badInput("name a TARGET (POD, deploy/NAME, ...) or give --pod-selector");
        }
        if (!List.of("gdb", "lldb").contains(debugger)) {
            throw MeshdbgException.badInput("--debugger must be gdb or lldb, not '" + debugger + "'");
        }
        StacksOptions.parse(List.of("--stacks", "--pid", "1", "--stack-bytes", Integer.toString(stackBytes)));
        TargetRef ref = target == null ? null : TargetRef.parse(target);
        AgentCommand agent = new AgentCommand(agentCommand, debugger, null, null, null, process)
                .withModeArgs(List.of(StacksOptions.FLAG, "--stack-bytes", Integer.toString(stackBytes)));
        PrintWriter err = spec.commandLine().getErr();
        List<StacksSession.PodStacks> results;
        Optional<Path> file;
        try (KubernetesClient k8s = kube.connect()) {
            // --symbols, else the release symbols of the sidecar's proxy SHA (a workload's replicas run one image).
            file = symbolSource.symbols != null ? Optional.of(symbolSource.resolve(ShaLookup.none(), FetchListener.NONE))
                    : symbolSource.resolveIfKnown(new PodShaLookup(k8s, new PodResolver(k8s, k8s.getNamespace())
                            .resolve(ref, podSelector, container, null), PodShaLookup.ISTIO_ADMIN_PORT), new FetchProgress(err));
            if (file.isPresent()) {
                agent = agent.withSymbols(file.get(), ignoreMismatch); // the agent checks them before the stop
            }
            AttachOptions options = new AttachOptions(ref, podSelector, container, mode, image, agentNamespace, agent, 0,
                    timeout, nodePodDeadline);
            results = new StacksSession(k8s, options, progress(err)).run();
        }
        Optional<LlvmSymbolizer> symbolizer = LlvmSymbolizer.find();
        FrameSymbolizer symbolize = new FrameSymbolizer(symbolizer);
        List<CapturedStacks> captured = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (StacksSession.PodStacks r : results) {
            if (r.stacks() == null) {
                failed.add(r.target().podName() + ": " + r.error());
                continue;
            }
            // Only the executable's frames can be symbolized here: its debug info is the symbol file.
            captured.add(symbolize.symbolize(CapturedStacks.of(r.target().podName(), r.stacks()),
                    f -> f.main() ? file : Optional.empty()));
        }
        if (captured.isEmpty()) {
            throw MeshdbgException.failure("no stacks: " + String.join("; ", failed), null);
        }
        failed.forEach(f -> err.println("meshdbg: " + f));
        if (file.isEmpty()) {
            err.println("meshdbg: without symbols (--symbols, or a proxy SHA to fetch them by), Envoy's own frames are named"
                    + " only by the symbols its binary keeps");
        }
        err.flush();
        StacksPrinter.print(spec.commandLine().getOut(), err, output.json(), captured, symbolizer.isPresent() || file.isEmpty());
        return failed.isEmpty() ? 0 : 1;
    }

    private SessionListener progress(PrintWriter err) {
        boolean quiet = output.json();
        return new SessionListener() {
            @Override
            public void step(String message) {
                say(message);
            }

            @Override
            public void warning(String message) {
                say("warning: " + message);
            }

            @Override
            public void resolved(ResolvedTarget t) {
                say("pod " + t.namespace() + "/" + t.podName() + " on node " + t.nodeName());
            }

            private void say(String message) {
                if (!quiet) {
                    synchronized (err) {
                        err.println(message);
                        err.flush();
                    }
                }
            }
        };
    }
}
