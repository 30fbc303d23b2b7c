package dev.meshdbg.client;

import dev.meshdbg.client.gdb.GdbCommandFile;
import dev.meshdbg.client.lldb.LldbCommandFile;
import dev.meshdbg.client.vscode.LaunchJson;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes what a debugger needs to join a session: the lldb or gdb command file into the output
 * directory, and meshdbg's entry in the workspace's {@code .vscode/launch.json}. Only the session's
 * own debugger gets a command file; the launch.json entry is CodeLLDB's for lldb, cpptools' for gdb.
 */
public final class ClientConfigs {
    /** Where {@code --out} points by default, relative to the working directory. */
    public static final Path DEFAULT_OUT = Path.of(".meshdbg");

    private ClientConfigs() {
    }

    /** Writes the configs, probing this machine for the session's debugger (for its version and path). */
    public static WrittenConfigs write(SessionSpec spec, Path outDir, Path workspaceDir) {
        return write(spec, outDir, workspaceDir, ClientEnvironment.detect(spec.debugger()));
    }

    /**
     * Writes the configs. {@code workspaceDir} null skips launch.json. A launch.json that is not JSON
     * with comments is refused before anything is written.
     */
    public static WrittenConfigs write(SessionSpec requested, Path outDir, Path workspaceDir, ClientEnvironment env) {
        SessionSpec spec = withLocalSourceDirs(requested);
        Path launchJson = workspaceDir == null ? null : workspaceDir.toAbsolutePath().resolve(".vscode").resolve("launch.json");
        // Merge first: a launch.json we cannot read must leave every file as it was.
        String mergedLaunch = launchJson == null ? null : LaunchJson.merge(read(launchJson), launchJson, spec, workspaceDir.toAbsolutePath(), env);
        Path lldb = outDir.toAbsolutePath().resolve(spec.name() + ".lldb");
        Path gdb = outDir.toAbsolutePath().resolve(spec.name() + ".gdb");
        if (spec.debugger() == Debugger.LLDB) {
            replace(lldb, LldbCommandFile.render(spec, env));
            delete(gdb);
        } else {
            replace(gdb, GdbCommandFile.render(spec, env));
            delete(lldb);
        }
        if (launchJson != null) {
            replace(launchJson, mergedLaunch);
        }
        return new WrittenConfigs(spec.debugger() == Debugger.LLDB ? lldb : null,
                spec.debugger() == Debugger.GDB ? gdb : null, launchJson);
    }

    /**
     * Keeps only the source-map entries whose local directory exists: lldb 19 rejects the whole
     * {@code target.source-map} setting when one replacement is missing, and then every later
     * command of the file, {@code gdb-remote} included, is skipped.
     */
    static SessionSpec withLocalSourceDirs(SessionSpec spec) {
        List<SourceMap.Entry> existing = spec.sourceMap().entries().stream()
                .filter(e -> Files.isDirectory(Path.of(e.localPath()))).toList();
        if (existing.size() == spec.sourceMap().entries().size()) {
            return spec;
        }
        return new SessionSpec(spec.debugger(), spec.host(), spec.port(), spec.symbols(), SourceMap.of(existing),
                spec.execSearchPaths(), spec.sysroot(), spec.name());
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes beside the file and moves it into place, so an editor never sees half a file. */
    private static void replace(Path target, String text) {
        try {
            // A launch.json that links elsewhere (dotfiles) is updated where it lives.
            Path file = Files.isSymbolicLink(target) && Files.exists(target) ? target.toRealPath() : target;
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                keepPermissions(file, tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** A temp file is private (0600); the file it replaces keeps its mode, a new one gets 0644. */
    private static void keepPermissions(Path file, Path tmp) throws IOException {
        try {
            Set<PosixFilePermission> mode = Files.exists(file)
                    ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, mode);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its defaults apply.
        }
    }

    /** A command file for the other debugger would pair it with the wrong debug server. */
    private static void delete(Path stale) {
        try {
            Files.deleteIfExists(stale);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot remove the stale " + stale + ": " + e.getMessage(), e);
        }
    }
}
