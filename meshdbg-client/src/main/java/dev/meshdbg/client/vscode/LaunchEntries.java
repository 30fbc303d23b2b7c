package dev.meshdbg.client.vscode;

import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.client.gdb.GdbCommandFile;
import dev.meshdbg.client.lldb.LldbCommandFile;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * meshdbg's launch configurations: for an lldb-server session one for CodeLLDB ({@code "type": "lldb"})
 * and one for LLVM's LLDB DAP ({@code "type": "lldb-dap"}), for a gdbserver one cpptools'
 * ({@code "type": "cppdbg"}, gdb). Never lldb and gdb together: each debugger must meet its own
 * debug server. Names start with {@link #PREFIX} so a later merge can tell meshdbg's entries from the user's.
 */
public final class LaunchEntries {
    /** Marks meshdbg's own entries in launch.json. */
    public static final String PREFIX = "meshdbg:";

    /** An lldb comment: lldb-dap echoes it to the Debug Console right after "exited with status = 9". */
    public static final String DETACHED_NOT_KILLED = "# meshdbg: status 9 is the guard's answer to kill:"
            + " Envoy was detached, not killed, and keeps running (unless the session was started with --allow-kill)";

    private LaunchEntries() {
    }

    /** The entries for this session; empty for a gdb session without local symbols (cpptools needs a program). */
    public static List<Map<String, Object>> of(SessionSpec spec, Path workspace, ClientEnvironment env) {
        if (spec.debugger() == Debugger.LLDB) {
            return List.of(codeLldb(spec, workspace, env), lldbDap(spec, workspace, env));
        }
        return spec.symbols() == null ? List.of() : List.of(cppdbg(spec, workspace, env));
    }

    public static String name(SessionSpec spec) {
        return PREFIX + " " + spec.name();
    }

    /** The LLDB DAP entry's name, beside CodeLLDB's {@link #name}. */
    public static String lldbDapName(SessionSpec spec) {
        return name(spec) + " (lldb-dap)";
    }

    /** CodeLLDB's attach: its own target and process commands, so it connects to the guard and detaches at the end. */
    static Map<String, Object> codeLldb(SessionSpec spec, Path workspace, ClientEnvironment env) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name(spec));
        e.put("type", "lldb");
        e.put("request", "attach");
        List<String> init = new ArrayList<>(LldbCommandFile.debuginfodCommands(env));
        init.addAll(LldbCommandFile.setupCommands(spec));
        if (!init.isEmpty()) {
            e.put("initCommands", init);
        }
        if (spec.symbols() != null) {
            e.put("targetCreateCommands", List.of(LldbCommandFile.targetCreate(spec)));
        }
        // The source map is CodeLLDB's own attribute; the other target settings run before connecting.
        List<String> preRun = new ArrayList<>(LldbCommandFile.targetCommands(spec));
        preRun.removeIf(c -> c.startsWith("settings set target.source-map"));
        if (!preRun.isEmpty()) {
            e.put("preRunCommands", preRun);
        }
        e.put("processCreateCommands", List.of(LldbCommandFile.processCreate(spec)));
        e.put("sourceMap", sourceMap(spec.sourceMap(), workspace));
        return e;
    }

    /**
     * LLDB DAP's attach: {@code attachCommands} create the target and connect to the guard (lldb-dap
     * 19 knows no CodeLLDB target/process commands), and its {@code sourceMap} is a list of
     * {@code [from, to]} pairs. The adapter comes with the installed lldb, so the index cache is
     * decided as for the lldb command file.
     */
    static Map<String, Object> lldbDap(SessionSpec spec, Path workspace, ClientEnvironment env) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", lldbDapName(spec));
        e.put("type", "lldb-dap");
        e.put("request", "attach");
        List<String> init = new ArrayList<>(LldbCommandFile.indexCacheCommands(env));
        init.addAll(LldbCommandFile.debuginfodCommands(env));
        init.addAll(LldbCommandFile.setupCommands(spec));
        if (!init.isEmpty()) {
            e.put("initCommands", init);
        }
        List<String> attach = new ArrayList<>();
        if (spec.symbols() != null) {
            attach.add(LldbCommandFile.targetCreate(spec));
        }
        attach.addAll(LldbCommandFile.targetCommands(spec));
        attach.removeIf(c -> c.startsWith("settings set target.source-map"));
        attach.add(LldbCommandFile.processCreate(spec));
        e.put("attachCommands", attach);
        List<List<String>> pairs = new ArrayList<>();
        sourceMap(spec.sourceMap(), workspace).forEach((from, to) -> pairs.add(List.of(from, (String) to)));
        e.put("sourceMap", pairs);
        // The guard answers a kill (terminateDebuggee, the stop button) with exit status 9 but detaches.
        e.put("exitCommands", List.of(DETACHED_NOT_KILLED));
        return e;
    }

    /** cpptools connects gdb to a server with "launch" plus miDebuggerServerAddress. */
    static Map<String, Object> cppdbg(SessionSpec spec, Path workspace, ClientEnvironment env) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name(spec));
        e.put("type", "cppdbg");
        e.put("request", "launch");
        e.put("program", relative(spec.symbols().toAbsolutePath().toString(), workspace));
        e.put("cwd", "${workspaceFolder}");
        e.put("MIMode", "gdb");
        if (env.debugger() != null && env.debugger().debugger() == Debugger.GDB) {
            e.put("miDebuggerPath", env.debugger().executable().toString());
        }
        e.put("miDebuggerServerAddress", spec.address());
        List<Map<String, Object>> setup = new ArrayList<>();
        setup.add(command("Pretty-print C++ values", "-enable-pretty-printing", true));
        // setupCommands run before cpptools loads the program, which is when gdb indexes it.
        for (String c : GdbCommandFile.indexCacheCommands(env)) {
            setup.add(command("Keep gdb's symbol index between sessions", c, true));
        }
        for (String c : GdbCommandFile.debuginfodCommands(env)) {
            setup.add(command("debuginfod servers from DEBUGINFOD_URLS, set explicitly (gdb's default asks)", c, false));
        }
        for (String c : GdbCommandFile.modeCommands(spec)) {
            setup.add(command("Stop only the thread at a breakpoint; the others serve on", c, false));
        }
        for (String c : GdbCommandFile.sysrootCommands(spec)) {
            setup.add(command("Read the target's libraries from its own root", c, false));
        }
        e.put("setupCommands", setup);
        e.put("sourceFileMap", sourceMap(spec.sourceMap(), workspace));
        return e;
    }

    private static Map<String, Object> command(String description, String text, boolean ignoreFailures) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("description", description);
        c.put("text", text);
        c.put("ignoreFailures", ignoreFailures);
        return c;
    }

    /** In order, most specific first: both extensions use the first prefix that matches. */
    private static Map<String, Object> sourceMap(SourceMap map, Path workspace) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SourceMap.Entry entry : map.entries()) {
            m.put(entry.remotePrefix(), relative(entry.localPath(), workspace));
        }
        return m;
    }

    /** A path inside the workspace as ${workspaceFolder}/..., so the entry survives moving the checkout. */
    static String relative(String localPath, Path workspace) {
        if (workspace == null) {
            return localPath;
        }
        Path p = Path.of(localPath).toAbsolutePath().normalize();
        Path ws = workspace.toAbsolutePath().normalize();
        if (p.equals(ws)) {
            return "${workspaceFolder}";
        }
        if (p.startsWith(ws)) {
            return "${workspaceFolder}/" + ws.relativize(p).toString().replace('\\', '/');
        }
        return localPath;
    }
}
