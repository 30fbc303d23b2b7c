package dev.meshdbg.cli.kube;

import dev.meshdbg.agent.AgentMain;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.image.AgentImages;
import dev.meshdbg.image.ImagePlatform;
import dev.meshdbg.kube.AgentCommand;
import dev.meshdbg.kube.AttachOptions;
import dev.meshdbg.kube.KubeSession;
import dev.meshdbg.kube.PodResolver;
import dev.meshdbg.kube.PodShaLookup;
import dev.meshdbg.kube.ResolvedTarget;
import dev.meshdbg.cli.FetchProgress;
import dev.meshdbg.cli.SymbolSourceOptions;
import dev.meshdbg.symbols.fetch.FetchListener;
import dev.meshdbg.symbols.fetch.ShaLookup;
import dev.meshdbg.kube.Mode;
import dev.meshdbg.kube.TargetRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.Console;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Attach a debugger to the Envoy sidecar of a pod, through the Kubernetes API.",
            "TARGET: POD, pod/NAME, deploy/NAME, sts/NAME or ds/NAME (a workload: its newest ready pod).",
            "Ctrl-C, the debugger exiting or an error end the session: the guard detaches, Envoy runs on,",
            "and the node pod and the pod annotation are removed.",
            "With --local, a process on this machine instead: see meshdbg attach --local --help."})
public final class KubeAttachCommand implements Callable<Integer> {
    /** The lead connects the client module here; the built-in step runs plain gdb/lldb or waits. */
    public static volatile ClientStep clientSteps = ClientStep.builtIn();

    @Parameters(arity = "0..1", paramLabel = "TARGET", description = "The pod or workload.")
    String target;

    @Option(names = "--local", description = "The target is a process on this machine: meshdbg attach --local --help.")
    boolean local;

    /** Options of {@code attach --local} that a cluster attach does not have. */
    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Mixin
    KubeOptions kube;

    @Option(names = "--pod-selector", paramLabel = "K=V[,K=V]", description = "Only pods with these labels.")
    String podSelector;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", defaultValue = AttachOptions.DEFAULT_SIDECAR,
            description = "The sidecar container (default: ${DEFAULT-VALUE}); a native sidecar works too.")
    String container;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "ephemeral",
            description = "ephemeral (default): a container in the pod; node: a privileged pod on its node.")
    Mode mode;

    @Option(names = "--image", paramLabel = "REF", description = {"Agent image: meshdbg's agent-only image (meshdbg image agent) for a stock sidecar",
            "(default: the sidecar's own image, when its labels say it carries the agent)."})
    String image;

    @Option(names = "--agent-namespace", paramLabel = "NS", defaultValue = AttachOptions.DEFAULT_AGENT_NAMESPACE,
            description = "Namespace for node-mode pods (default: ${DEFAULT-VALUE}; created when missing).")
    String agentNamespace;

    @Option(names = "--agent-command", paramLabel = "PATH", defaultValue = AgentMain.IMAGE_LAUNCHER,
            description = "The agent in the image (default: ${DEFAULT-VALUE}).")
    String agentCommand;

    @Option(names = "--agent-port", paramLabel = "PORT", description = "The guard's port in the pod (default: a free one).")
    Integer agentPort;

    @Option(names = "--process", paramLabel = "NAME", defaultValue = "envoy",
            description = "Ephemeral mode: the process to attach to (default: ${DEFAULT-VALUE}).")
    String process;

    @Option(names = "--debugger", paramLabel = "gdb|lldb",
            description = "Debug server in the pod: gdb (gdbserver) or lldb (lldb-server). Default: lldb for --client lldb"
                    + " or symbols with a .dwp, else gdb.")
    Debugger debugger;

    /** Pairing is fixed: gdb with gdbserver, lldb with lldb-server. */
    enum Debugger { gdb, lldb }

    @Option(names = "--non-stop", description = "gdb in non-stop mode: a breakpoint stops only the Envoy thread that hits it, the others serve on.")
    boolean nonStop;

    @Option(names = "--max-pause", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Detach when Envoy stays stopped longer than this (e.g. 30s).")
    Duration maxPause;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "15m",
            description = "The agent exits after this long without a debugger (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--local-port", paramLabel = "PORT", defaultValue = "0",
            description = "Local port of the forward on 127.0.0.1 (default: a free one).")
    int localPort;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "How long to wait for the agent to start and be ready (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--node-pod-deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "4h", description = "Node mode: the pod's activeDeadlineSeconds (default: ${DEFAULT-VALUE}).")
    Duration nodePodDeadline;

    @Option(names = "--client", paramLabel = "CLIENT", defaultValue = "none",
            description = "none (print how to connect, then wait), gdb, lldb or vscode.")
    ClientStep.Client client;

    @Mixin
    SymbolSourceOptions symbolSource;

    @Option(names = "--ignore-build-id-mismatch",
            description = "Attach even when the running Envoy differs from the symbols (build-id and code).")
    boolean ignoreBuildIdMismatch;

    @Option(names = "--source-root", paramLabel = "DIR", description = "Envoy source tree, for the source map.")
    Path sourceRoot;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".meshdbg", description = "Where client configs go.")
    Path out;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the signal handlers live for the try block; nothing calls them there
    public Integer call() throws Exception {
        if (local) {
            // Main routes `attach --local` to the local command; only a hand-built tree gets here.
            throw MeshdbgException.badInput("attach --local is handled by the local attach command");
        }
        if (!unmatched.isEmpty()) {
            throw MeshdbgException.badInput("unknown option or argument for attach TARGET: " + String.join(" ", unmatched)
                    + (unmatched.stream().anyMatch(a -> List.of("--pid", "--name", "--pod", "--port", "--allow-kill",
                    "--server").contains(a)) ? " (an option of attach --local)" : ""));
        }
        if (target == null && podSelector == null) {
            throw MeshdbgException.badInput("name a TARGET (POD, deploy/NAME, ...) or give --pod-selector");
        }
        if (debugger != null && (client == ClientStep.Client.gdb || client == ClientStep.Client.lldb)
                && !client.name().equals(debugger.name())) {
            throw MeshdbgException.badInput("--client " + client + " needs --debugger " + client
                    + ": lldb pairs with lldb-server and gdb with gdbserver");
        }
        if (nonStop && debugger == Debugger.lldb) {
            throw MeshdbgException.badInput(SessionSpec.LLDB_CANNOT_NON_STOP);
        }
        TargetRef ref = target == null ? null : TargetRef.parse(target);
        try (KubernetesClient k8s = kube.connect()) {
            Path symbols = symbolSource.symbols;
            if (symbols == null) {
                // Release symbols by the sidecar's proxy SHA: resolve the pod once, and pin the session to it.
                ResolvedTarget pod = new PodResolver(k8s, k8s.getNamespace()).resolve(ref, podSelector, container,
                        ref != null && ref.kind().workload() && !output.json() && System.console() != null ? this::choose : null);
                symbols = symbolSource.resolveIfKnown(new PodShaLookup(k8s, pod, PodShaLookup.ISTIO_ADMIN_PORT),
                        new FetchProgress(spec.commandLine().getErr())).orElse(null);
                ref = new TargetRef(TargetRef.Kind.POD, pod.podName());
            } else {
                symbolSource.resolve(ShaLookup.none(), FetchListener.NONE); // checks the file
            }
            Debugger chosen = debugger != null ? debugger : client == ClientStep.Client.gdb ? Debugger.gdb
                    : client == ClientStep.Client.lldb ? Debugger.lldb
                    : Debugger.valueOf(SymbolSourceOptions.preferredDebugger(symbols).orElse("gdb"));
            if (symbols != null && !output.json()) {
                spec.commandLine().getOut().println("symbols: " + symbolSource.describe(symbols));
                if (debugger == null && chosen == Debugger.lldb && SymbolSourceOptions.preferredDebugger(symbols).isPresent()) {
                    spec.commandLine().getOut().println("debugger: " + SymbolSourceOptions.LLDB_FOR_DWP);
                }
            }
            if (nonStop && chosen == Debugger.lldb) {
                throw MeshdbgException.badInput(SessionSpec.LLDB_CANNOT_NON_STOP);
            }
            var handler = clientSteps.handler(new ClientStep.Request(client, symbols, sourceRoot, out, chosen.name(),
                    spec.commandLine().getOut(), output.json(), nonStop));
            AgentCommand agent = new AgentCommand(agentCommand, chosen.name(), agentPort, maxPause, idleTimeout, process);
            if (symbols != null) {
                agent = agent.withSymbols(symbols, ignoreBuildIdMismatch); // the agent checks them against the running Envoy
            }
            AttachOptions options = new AttachOptions(ref, ref.kind() == TargetRef.Kind.POD ? null : podSelector, container,
                    mode, image, agentNamespace, agent, localPort, timeout, nodePodDeadline);
            KubeSession session = new KubeSession(k8s, options,
                    new SessionPrinter(spec.commandLine().getOut(), spec.commandLine().getErr(), output.json()));
            if (ref != null && ref.kind().workload() && !output.json() && System.console() != null) {
                session.withPodChooser(this::choose);
            }
            session.withImageCheck(image -> AgentImages.requireAgent(image, ImagePlatform.host(), Duration.ofSeconds(10)));
            // Signals end the session in order; the hook covers every other way the JVM may exit.
            Thread hook = new Thread(session::close, "meshdbg-session-end");
            Runtime.getRuntime().addShutdownHook(hook);
            try (SessionSignals signals = new SessionSignals(session::close)) {
                session.run(handler);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or ran: it closed the session
                }
            }
            if (session.targetExit().isPresent()) {
                throw MeshdbgException.failure(session.targetExit().get() + "; the session is over", null);
            }
        }
        return 0;
    }

    /** On a terminal, several ready pods: ask which (Enter takes the newest). */
    private Pod choose(List<Pod> ready) {
        Console console = System.console();
        var w = spec.commandLine().getOut();
        w.println(target + " has " + ready.size() + " ready pods (newest first):");
        for (int i = 0; i < ready.size(); i++) {
            Pod p = ready.get(i);
            w.println("  " + (i + 1) + ") " + p.getMetadata().getName() + "  node " + p.getSpec().getNodeName()
                    + "  created " + p.getMetadata().getCreationTimestamp());
        }
        w.flush();
        String answer = console.readLine("pod [1]: ");
        if (answer == null || answer.isBlank()) {
            return ready.get(0);
        }
        try {
            int n = Integer.parseInt(answer.strip());
            if (n >= 1 && n <= ready.size()) {
                return ready.get(n - 1);
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal
        }
        throw MeshdbgException.badInput("'" + answer.strip() + "' is not one of 1.." + ready.size());
    }
}
