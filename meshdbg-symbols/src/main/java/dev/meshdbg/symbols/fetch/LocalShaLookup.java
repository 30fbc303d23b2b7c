package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The proxy SHA of a process on this machine: {@code ISTIO_META_ISTIO_PROXY_SHA} in its
 * environment (the proxyv2 image sets it; Envoy inherits it from pilot-agent), else the revision
 * in its executable, read through {@code /proc/PID/exe} in any mount namespace.
 */
public final class LocalShaLookup implements ShaLookup {
    public static final String ENV = "ISTIO_META_ISTIO_PROXY_SHA";

    private final Path proc;
    private final long pid;

    public LocalShaLookup(Path proc, long pid) {
        this.proc = proc;
        this.pid = pid;
    }

    @Override
    public Optional<FoundSha> find(List<String> tried) {
        Path environ = proc.resolve(pid + "/environ");
        tried.add(ENV + " in " + environ);
        Optional<FoundSha> fromEnv = fromEnviron(environ).map(s -> new FoundSha(s, ENV + " of pid " + pid));
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        Path exe = proc.resolve(pid + "/exe");
        tried.add("the version string in " + exe);
        try (ElfFile elf = ElfFile.open(exe)) {
            return VersionString.revision(elf).map(s -> new FoundSha(s, "the version string of pid " + pid));
        } catch (MeshdbgException unreadable) {
            tried.add("(" + unreadable.getMessage() + ")");
            return Optional.empty();
        }
    }

    @Override
    public String arch() {
        try (ElfFile elf = ElfFile.open(proc.resolve(pid + "/exe"))) {
            return SymbolArtifacts.arch(elf.machine());
        } catch (MeshdbgException unreadable) {
            return ShaLookup.super.arch();
        }
    }

    /** NUL-separated {@code KEY=VALUE}; unreadable (another user's process) counts as absent. */
    static Optional<ProxySha> fromEnviron(Path environ) {
        try {
            String all = new String(Files.readAllBytes(environ), StandardCharsets.UTF_8);
            for (String entry : all.split("\0")) {
                if (entry.startsWith(ENV + "=")) {
                    return ProxySha.tryParse(entry.substring(ENV.length() + 1));
                }
            }
        } catch (IOException unreadable) {
            // no environment to read
        }
        return Optional.empty();
    }
}
