package dev.meshdbg.client.lldb;

import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.Debuginfod;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lldb command file ({@code lldb -s FILE}). Order matters: the index cache must be on before
 * {@code target create} indexes the symbols, the platform's sysroot before libraries are resolved,
 * and the source map and search paths before {@code gdb-remote} stops the target and shows a frame.
 */
public final class LldbCommandFile {
    private LldbCommandFile() {
    }

    public static String render(SessionSpec spec, ClientEnvironment env) {
        StringBuilder out = new StringBuilder();
        out.append("# meshdbg session ").append(spec.name()).append(": lldb command file, rewritten on every attach.\n");
        out.append("# Run: ").append(env.debugger() == null ? "lldb" : env.debugger().executable().toString())
                .append(" -s <this file>\n");
        indexCache(out, env);
        for (String command : debuginfodCommands(env)) {
            out.append(command).append('\n');
        }
        for (String command : setupCommands(spec)) {
            out.append(command).append('\n');
        }
        if (spec.symbols() != null) {
            out.append(targetCreate(spec)).append('\n');
        }
        for (String command : targetCommands(spec)) {
            out.append(command).append('\n');
        }
        out.append("# Leave with 'detach' (or just quit: meshdbg's guard detaches and removes breakpoints).\n");
        out.append(processCreate(spec)).append('\n');
        return out.toString();
    }

    private static void indexCache(StringBuilder out, ClientEnvironment env) {
        if (env.indexCacheOn()) {
            out.append("# ").append(env.debugger().version()).append(" indexes correctly: keep its symbol index between sessions.\n");
            indexCacheCommands(env).forEach(c -> out.append(c).append('\n'));
        } else if (env.debugger() != null) {
            out.append("# No index cache: ").append(env.debugger().indexCacheAdvice()).append('\n');
        } else {
            out.append("# No index cache: lldb's version was not known when this file was written.\n");
        }
    }

    /** The index cache settings when {@link ClientEnvironment#indexCacheOn()}, else none; before {@code target create}. */
    public static List<String> indexCacheCommands(ClientEnvironment env) {
        if (!env.indexCacheOn()) {
            return List.of();
        }
        return List.of("settings set symbols.enable-lldb-index-cache true",
                "settings set symbols.lldb-index-cache-path " + LldbQuoting.arg(env.indexCacheDir().toString()));
    }

    /** meshdbg's debuginfod servers, before {@code target create} looks for debug info; none when not set or the lldb lacks the locator. */
    public static List<String> debuginfodCommands(ClientEnvironment env) {
        if (!env.debuginfod().on() || !Debuginfod.supportedBy(env.debugger()) || env.debugger().debugger() != Debugger.LLDB) {
            return List.of();
        }
        StringBuilder command = new StringBuilder("settings set plugin.symbol-locator.debuginfod.server-urls");
        env.debuginfod().urls().forEach(u -> command.append(' ').append(LldbQuoting.arg(u)));
        return List.of(command.toString());
    }

    /** Commands to run before the target exists (CodeLLDB's {@code initCommands}). */
    public static List<String> setupCommands(SessionSpec spec) {
        List<String> commands = new ArrayList<>();
        if (spec.sysroot() != null) {
            // remote-linux with a sysroot makes lldb read the target's libraries from its own root.
            commands.add("platform select --sysroot " + LldbQuoting.arg(spec.sysroot().toString()) + " remote-linux");
        }
        return commands;
    }

    /** Creates the target from the local symbols; dependents come from the running process instead. */
    public static String targetCreate(SessionSpec spec) {
        return "target create --no-dependents " + LldbQuoting.arg(spec.symbols().toAbsolutePath().toString());
    }

    /** Settings of the created target: the source map and where executables are searched. */
    public static List<String> targetCommands(SessionSpec spec) {
        List<String> commands = new ArrayList<>();
        if (!spec.sourceMap().entries().isEmpty()) {
            StringBuilder map = new StringBuilder("settings set target.source-map");
            for (SourceMap.Entry e : spec.sourceMap().entries()) {
                map.append(' ').append(LldbQuoting.arg(e.remotePrefix())).append(' ').append(LldbQuoting.arg(e.localPath()));
            }
            commands.add(map.toString());
        }
        if (!spec.execSearchPaths().isEmpty()) {
            StringBuilder paths = new StringBuilder("settings set target.exec-search-paths");
            for (Path p : spec.execSearchPaths()) {
                paths.append(' ').append(LldbQuoting.arg(p.toAbsolutePath().toString()));
            }
            commands.add(paths.toString());
        }
        return commands;
    }

    /** Connects to the guard; the target stops there. */
    public static String processCreate(SessionSpec spec) {
        return "gdb-remote " + spec.address();
    }
}
