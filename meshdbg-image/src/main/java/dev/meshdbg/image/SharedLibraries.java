package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared-library closure of host binaries, as the host's dynamic loader resolves it ({@code ldd}),
 * plus the loader itself. Bundled under /opt/meshdbg/lib and used through that loader, the binaries
 * run on any base image, glibc or musl, whether or not the base has these libraries.
 *
 * @param libraries file name in the bundle (the name the binary asks for) to the real file on this host
 * @param loader the host's dynamic loader (ld-linux-*.so.*)
 */
public record SharedLibraries(Map<String, Path> libraries, Path loader) {
    private static final Pattern RESOLVED = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(/\\S+)\\s+\\(0x[0-9a-f]+\\)");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found");
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S*ld-linux\\S*)\\s+\\(0x[0-9a-f]+\\)");

    /**
     * Resolves the closure of {@code binaries}. Libraries whose name is in {@code providedNames}
     * (a bundled runtime's own libraries, found through its RUNPATH) are left out.
     */
    public static SharedLibraries of(Collection<Path> binaries, Set<String> providedNames) {
        Map<String, Path> libs = new TreeMap<>();
        Path loader = null;
        for (Path binary : binaries) {
            for (String line : ldd(binary)) {
                Matcher m = RESOLVED.matcher(line);
                Matcher missing = NOT_FOUND.matcher(line);
                Matcher ld = LOADER.matcher(line);
                if (m.find()) {
                    if (!providedNames.contains(m.group(1))) {
                        libs.put(m.group(1), realPath(Path.of(m.group(2))));
                    }
                } else if (missing.find()) {
                    if (!providedNames.contains(missing.group(1))) {
                        throw MeshdbgException.failure(binary + " needs " + missing.group(1)
                                + ", which this machine does not have; install it before bundling " + binary.getFileName(), null);
                    }
                } else if (ld.find()) {
                    loader = realPath(Path.of(ld.group(1)));
                }
            }
        }
        if (loader == null) {
            throw MeshdbgException.failure("cannot find the dynamic loader of " + binaries + " (ldd showed none)", null);
        }
        return new SharedLibraries(libs, loader);
    }

    /** The bundle with another one's libraries added. */
    public SharedLibraries plus(SharedLibraries other) {
        Map<String, Path> all = new TreeMap<>(libraries);
        all.putAll(other.libraries);
        return new SharedLibraries(all, loader);
    }

    private static List<String> ldd(Path binary) {
        try {
            Process p = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw MeshdbgException.failure("ldd " + binary + " failed: " + out.strip(), null);
            }
            return out.lines().toList();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run ldd (from libc-bin) on " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while running ldd", e);
        }
    }

    static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    /** Looks a command up on PATH, as a shell would. */
    static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
