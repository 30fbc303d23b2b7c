package dev.meshdbg.client;

import java.util.Arrays;
import java.util.List;

/**
 * The debuginfod servers that serve debug info by build-id ({@code /buildid/ID/debuginfo} and
 * {@code /buildid/ID/executable}): {@code DEBUGINFOD_URLS}, a space-separated list, where meshdbg
 * writes the configs. The debuggers get them from meshdbg's files, not from whatever environment
 * they later run in.
 */
public record Debuginfod(List<String> urls) {
    /** No servers: gdb is told to ask none (its default "ask" waits for an answer a script never gives). */
    public static final Debuginfod NONE = new Debuginfod(List.of());
    /** gdb 12 added {@code set debuginfod}. */
    static final int FIRST_GDB = 12;
    /** lldb 18 added the debuginfod symbol locator ({@code plugin.symbol-locator.debuginfod}). */
    static final int FIRST_LLDB = 18;

    public Debuginfod {
        urls = List.copyOf(urls);
    }

    public static Debuginfod fromEnvironment() {
        return parse(System.getenv("DEBUGINFOD_URLS"));
    }

    /** Parses {@code DEBUGINFOD_URLS}: URLs separated by white space; null or blank is none. */
    public static Debuginfod parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return new Debuginfod(Arrays.asList(value.strip().split("\\s+")));
    }

    public boolean on() {
        return !urls.isEmpty();
    }

    /** Whether this debugger has meshdbg's debuginfod settings; an unknown one is not given them (an unknown setting stops a command file). */
    public static boolean supportedBy(DebuggerInstall debugger) {
        if (debugger == null) {
            return false;
        }
        return debugger.version().major() >= (debugger.debugger() == Debugger.GDB ? FIRST_GDB : FIRST_LLDB);
    }
}
