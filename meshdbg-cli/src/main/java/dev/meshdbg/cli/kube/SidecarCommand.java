package dev.meshdbg.cli.kube;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.kube.TargetRef;
import dev.meshdbg.kube.sidecar.SidecarImage;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = "Point a workload's Istio sidecar at a debug proxy image, and back.",
        subcommands = {SidecarCommand.SetImage.class, SidecarCommand.Reset.class})
public final class SidecarCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Shared by both subcommands: the workload, the cluster, waiting, dry run, output. */
    abstract static class WorkloadCommand implements Callable<Integer> {
        @Parameters(paramLabel = "WORKLOAD", description = "deploy/NAME, sts/NAME or ds/NAME")
        String workload;

        @Mixin
        KubeOptions kube;

        @Option(names = "--wait", description = "Wait for the rollout to finish.")
        boolean waitForRollout;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5m",
                description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--dry-run", description = "Print the JSON merge patch; change nothing.")
        boolean dryRun;

        @Mixin
        OutputOption output;

        @Spec
        CommandSpec spec;

        abstract SidecarImage.Change plan(SidecarImage sidecar, TargetRef ref);

        @Override
        public Integer call() {
            TargetRef ref = TargetRef.parseWorkload(workload);
            try (KubernetesClient client = kube.connect()) {
                SidecarImage sidecar = new SidecarImage(client, client.getNamespace());
                SidecarImage.Change change = plan(sidecar, ref);
                boolean waited = !dryRun && sidecar.apply(ref, change, waitForRollout ? timeout : null);
                report(change, waited);
            }
            return 0;
        }

        private void report(SidecarImage.Change change, boolean waited) {
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("workload", change.workload());
                m.put("changed", change.changes() && !dryRun);
                m.put("dryRun", dryRun);
                m.put("patch", change.patch());
                m.put("before", change.before());
                m.put("after", change.after());
                m.put("rolledOut", waited);
                if (change.hold() != null) {
                    m.put("keepOldImage", change.hold().pods());
                    m.put("notRolled", change.hold().message());
                }
                OutputOption.printJson(out, m);
                return;
            }
            if (change.hold() != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("warning: " + change.hold().message());
                err.flush();
            }
            if (!change.changes()) {
                out.println(change.workload() + ": nothing to change");
            } else if (dryRun) {
                out.println(change.patch());
            } else {
                out.println(change.workload() + ": " + change.before() + " -> " + change.after()
                        + (waited ? " (rolled out)" : change.hold() != null && change.hold().all() ? "; no pod rolls out"
                        : "; new pods pick it up as they roll out"));
            }
            out.flush();
        }
    }

    @Command(name = "set-image", mixinStandardHelpOptions = true,
            description = {"Set sidecar.istio.io/proxyImage (and memory) on the pod template; the previous",
                "values are kept in an annotation for `meshdbg sidecar reset`."})
    static final class SetImage extends WorkloadCommand {
        @Option(names = "--image", required = true, paramLabel = "REF", description = "The debug proxy image.")
        String image;

        @Option(names = "--memory", paramLabel = "QTY", description = "sidecar.istio.io/proxyMemory, e.g. 512Mi.")
        String memory;

        @Option(names = "--memory-limit", paramLabel = "QTY", description = "sidecar.istio.io/proxyMemoryLimit, e.g. 4Gi.")
        String memoryLimit;

        @Override
        SidecarImage.Change plan(SidecarImage sidecar, TargetRef ref) {
            return sidecar.planSet(ref, image, memory, memoryLimit);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Restore exactly the sidecar annotations there were before set-image.")
    static final class Reset extends WorkloadCommand {
        @Override
        SidecarImage.Change plan(SidecarImage sidecar, TargetRef ref) {
            return sidecar.planReset(ref);
        }
    }
}
