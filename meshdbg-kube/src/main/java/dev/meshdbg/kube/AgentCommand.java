package dev.meshdbg.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's command line in the pod. Ephemeral mode shares the sidecar's PID namespace and finds
 * Envoy by name; node mode runs with the host's PIDs and finds it by the sidecar's container id.
 */
public record AgentCommand(String executable, String debugger, Integer port, Duration maxPause,
                           Duration idleTimeout, String processName) {

    public static AgentCommand defaults() {
        return new AgentCommand(AgentEvents.DEFAULT_AGENT_COMMAND, "gdb", null, null, Duration.ofMinutes(15), "envoy");
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
        List<String> args = new ArrayList<>();
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
