package dev.meshdbg.agent.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Kills a process and all its descendants (nsenter forks the server as its child). */
final class ProcessTree {
    private ProcessTree() {
    }

    static void kill(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Best effort: a process in another PID namespace is reaped by its own init.
            }
        }
    }
}
