package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes the debug sections of an Envoy with objcopy (llvm-objcopy for foreign architectures),
 * then proves the copy is the same program: same build-id, same bytes in every executable section,
 * and no {@code .debug_info} left. Results are kept by build-id, size and modification time, so an
 * unchanged rebuild reuses the same file (and Jib's layer cache, which keys on it, stays warm).
 */
final class DebugStripper {
    private static final List<String> TOOLS = List.of("objcopy", "llvm-objcopy", "llvm-objcopy-19", "llvm-objcopy-14");

    private final Path cacheDir;

    DebugStripper(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    Path strip(Path envoy, BuildId id) {
        try {
            String key = id.hex() + "-" + Files.size(envoy) + "-" + Files.getLastModifiedTime(envoy).toMillis();
            Path dir = cacheDir.resolve(key);
            Path result = dir.resolve("envoy");
            if (Files.isRegularFile(result)) {
                return result;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "envoy", ".tmp");
            try {
                runObjcopy(envoy, tmp);
                verify(envoy, tmp, id);
                Files.move(tmp, result, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return result;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot strip " + envoy + " into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private static void runObjcopy(Path in, Path out) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String tool : TOOLS) {
            List<String> command = List.of(tool, "--strip-debug", in.toString(), out.toString());
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException notInstalled) {
                continue;
            }
            try {
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0) {
                    return;
                }
                failures.add(tool + ": " + output);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stripping", e);
            }
        }
        if (failures.isEmpty()) {
            throw MeshdbgException.failure("--strip-debug needs objcopy (binutils) or llvm-objcopy; install one", null);
        }
        throw MeshdbgException.failure("cannot strip debug info from " + in + ": " + String.join("; ", failures), null);
    }

    private static void verify(Path original, Path stripped, BuildId id) {
        try (ElfFile before = ElfFile.open(original); ElfFile after = ElfFile.open(stripped)) {
            BuildId got = after.buildId().orElse(null);
            if (!id.equals(got)) {
                throw MeshdbgException.failure("stripping " + original + " changed its build-id (" + id + " -> " + got + ")", null);
            }
            if (!Arrays.equals(before.loadableCodeHash(), after.loadableCodeHash())) {
                throw MeshdbgException.failure("stripping " + original + " changed its code; refusing to use the stripped copy", null);
            }
            if (after.hasDebugInfo()) {
                throw MeshdbgException.failure("the stripped copy of " + original + " still has .debug_info", null);
            }
        }
    }
}
