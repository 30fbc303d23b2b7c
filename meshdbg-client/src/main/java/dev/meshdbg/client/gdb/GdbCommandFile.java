package dev.meshdbg.client.gdb;

import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.Debuginfod;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The gdb command file ({@code gdb -x FILE}): gdb's index cache and debuginfod before anything is
 * loaded, the local binary as {@code file} (never fetched over the slow remote protocol), the
 * sysroot to read the target's libraries from, one {@code set substitute-path} per source-map
 * entry (gdb uses the first rule that matches, so most specific first), {@code set non-stop on}
 * for a non-stop session (it must come before the connection), then {@code target remote}.
 */
public final class GdbCommandFile {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9/._+=:,@%-]+");

    private GdbCommandFile() {
    }

    /** The file for a gdb whose version is not known: no debuginfod settings. */
    public static String render(SessionSpec spec) {
        return render(spec, new ClientEnvironment(null, null));
    }

    public static String render(SessionSpec spec, ClientEnvironment env) {
        StringBuilder out = new StringBuilder();
        out.append("# meshdbg session ").append(spec.name()).append(": gdb command file, rewritten on every attach.\n");
        out.append("# Run: gdb -x <this file>\n");
        for (String command : indexCacheCommands(env)) {
            out.append(command).append('\n');
        }
        for (String command : debuginfodCommands(env)) {
            out.append(command).append('\n');
        }
        for (String command : setupCommands(spec)) {
            out.append(command).append('\n');
        }
        out.append("# Leave with 'detach' (or just quit: meshdbg's guard detaches and removes breakpoints).\n");
        out.append("target remote ").append(spec.address()).append('\n');
        return out.toString();
    }

    /** Everything before {@code target remote}; also cpptools' {@code setupCommands}. */
    public static List<String> setupCommands(SessionSpec spec) {
        List<String> commands = new ArrayList<>(modeCommands(spec));
        if (spec.symbols() != null) {
            commands.add("file " + arg(spec.symbols().toAbsolutePath().toString()));
        }
        commands.addAll(sysrootCommands(spec));
        for (SourceMap.Entry e : spec.sourceMap().entries()) {
            commands.add("set substitute-path " + arg(e.remotePrefix()) + " " + arg(e.localPath()));
        }
        return commands;
    }

    /** {@code set non-stop on} for a non-stop session, which gdb only takes before it connects. */
    public static List<String> modeCommands(SessionSpec spec) {
        return spec.nonStop() ? List.of("set non-stop on") : List.of();
    }

    /**
     * debuginfod set explicitly, before {@code file} reads the binary: on with meshdbg's servers
     * when {@code DEBUGINFOD_URLS} was set, else off. None for a gdb without the setting (or unknown).
     */
    public static List<String> debuginfodCommands(ClientEnvironment env) {
        if (!Debuginfod.supportedBy(env.debugger()) || env.debugger().debugger() != Debugger.GDB) {
            return List.of();
        }
        if (!env.debuginfod().on()) {
            return List.of("set debuginfod enabled off");
        }
        List<String> urls = new ArrayList<>();
        env.debuginfod().urls().forEach(u -> urls.add(line(u)));
        return List.of("set debuginfod urls " + String.join(" ", urls), "set debuginfod enabled on");
    }

    /**
     * gdb's index cache, in meshdbg's own directory, before {@code file} indexes the DWARF: a warm
     * start reads the index gdb wrote last time (keyed by build-id) instead of walking every DIE.
     * gdb 13 renamed {@code set index-cache on} to {@code set index-cache enabled on}; gdb before
     * 8.3 has no cache. Empty when the directory or a version with a cache is unknown.
     */
    public static List<String> indexCacheCommands(ClientEnvironment env) {
        Path dir = env.gdbIndexCacheDir();
        if (dir == null || env.debugger() == null || !env.debugger().hasGdbIndexCache()) {
            return List.of();
        }
        return List.of("set index-cache directory " + line(dir.toAbsolutePath().toString()),
                env.debugger().version().major() >= 13 ? "set index-cache enabled on" : "set index-cache on");
    }

    /** The sysroot and library search path, which cpptools has no attribute of its own for. */
    public static List<String> sysrootCommands(SessionSpec spec) {
        List<String> commands = new ArrayList<>();
        if (spec.sysroot() != null) {
            // gdb takes the rest of the line as the path: no quoting here.
            commands.add("set sysroot " + line(spec.sysroot().toString()));
        }
        if (!spec.execSearchPaths().isEmpty()) {
            List<String> dirs = new ArrayList<>();
            for (Path p : spec.execSearchPaths()) {
                dirs.add(line(p.toAbsolutePath().toString()));
            }
            commands.add("set solib-search-path " + String.join(":", dirs));
        }
        return commands;
    }

    /** Quotes one argument the way gdb splits {@code file} and {@code set substitute-path} arguments. */
    static String arg(String value) {
        line(value);
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String line(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || !value.equals(value.strip())) {
            throw MeshdbgException.badInput("cannot pass '" + value.replace("\n", "\\n")
                    + "' to gdb: it holds a newline or starts or ends with a space");
        }
        return value;
    }
}
