package dev.meshdbg.agent.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Yama ptrace policy, which decides who may attach, in words for error messages. */
public final class PtraceScope {
    static final Path FILE = Path.of("/proc/sys/kernel/yama/ptrace_scope");

    private PtraceScope() {
    }

    /** 0..3, or -1 when Yama is not active. */
    public static int value() {
        try {
            return Integer.parseInt(Files.readString(FILE).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public static String describe() {
        return describe(value());
    }

    static String describe(int scope) {
        switch (scope) {
            case -1: return "kernel.yama.ptrace_scope is not set (no Yama)";
            case 0: return "kernel.yama.ptrace_scope=0: same uid may attach";
            case 1: return "kernel.yama.ptrace_scope=1: only ancestors or CAP_SYS_PTRACE may attach";
            case 2: return "kernel.yama.ptrace_scope=2: only CAP_SYS_PTRACE may attach";
            case 3: return "kernel.yama.ptrace_scope=3: attaching is disabled until reboot";
            default: return "kernel.yama.ptrace_scope=" + scope;
        }
    }
}
