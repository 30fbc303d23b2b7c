package dev.meshdbg.symbols.index;

import dev.meshdbg.errors.MeshdbgException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code gdb-add-index} (a script in Debian's gdb package) with what it runs: gdb, whose
 * {@code save gdb-index -dwarf-5} writes the table, and objcopy, which adds it to the file.
 */
public final class GdbAddIndexLocator {
    private static final Pattern GDB_VERSION = Pattern.compile("GNU gdb .*?(\\d+\\.\\d+(\\.\\d+)?)");

    private GdbAddIndexLocator() {
    }

    public static IndexerInstall find() {
        return find(pathDirs());
    }

    /** The same among the executables in {@code dirs} (for tests). */
    public static IndexerInstall find(List<Path> dirs) {
        Path script = executable(dirs, "gdb-add-index").orElseThrow(() -> MeshdbgException.failure(
                "gdb-add-index not found on PATH: install the gdb package (apt-get install gdb)", null));
        // Without arguments it prints its usage, which lists -dwarf-5 where gdb can write .debug_names.
        if (!DwarfUtilLocator.output(script).orElse("").contains("-dwarf-5")) {
            throw MeshdbgException.failure(script + " cannot write .debug_names (no -dwarf-5 option): install a newer gdb,"
                    + " or use --tool llvm", null);
        }
        Path gdb = executable(dirs, "gdb").orElseThrow(() -> MeshdbgException.failure(
                "gdb-add-index needs gdb, which is not on PATH: install the gdb package (apt-get install gdb)", null));
        executable(dirs, "objcopy").orElseThrow(() -> MeshdbgException.failure(
                "gdb-add-index needs objcopy, which is not on PATH: install binutils (apt-get install binutils)", null));
        Matcher m = DwarfUtilLocator.output(gdb, "--version").map(GDB_VERSION::matcher).filter(Matcher::find).orElse(null);
        return new IndexerInstall(IndexTool.GDB, script, m == null ? "unknown" : m.group(1));
    }

    private static List<Path> pathDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs;
    }

    private static Optional<Path> executable(List<Path> dirs, String name) {
        return dirs.stream().map(d -> d.resolve(name)).filter(p -> Files.isExecutable(p) && !Files.isDirectory(p)).findFirst();
    }
}
