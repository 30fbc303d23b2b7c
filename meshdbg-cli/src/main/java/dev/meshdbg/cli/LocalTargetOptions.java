package dev.meshdbg.cli;

import dev.meshdbg.agent.proc.TargetQuery;
import java.util.List;
import picocli.CommandLine.Option;

/** Which process on this machine: what `attach --local` and `stacks --local` both take, passed on to the agent. */
public final class LocalTargetOptions {
    @Option(names = "--pid", paramLabel = "N", description = "The host pid.")
    Long pid;

    @Option(names = "--name", paramLabel = "NAME", description = "Process name (comm or executable file name), e.g. envoy.")
    String name;

    @Option(names = "--pod", paramLabel = "NAME",
            description = "Pod name: the UTS hostname of the process's namespace (with --name; envoy when ambiguous).")
    String pod;

    @Option(names = "--container", paramLabel = "ID", description = "Container id, or a unique prefix of at least 12 characters.")
    String container;

    public TargetQuery query() {
        return TargetQuery.of(pid, name, pod, container);
    }

    /** The agent's arguments for these criteria. */
    public void addTo(List<String> args) {
        add(args, "--pid", pid == null ? null : pid.toString());
        add(args, "--name", name);
        add(args, "--pod", pod);
        add(args, "--container", container);
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
        }
    }
}
