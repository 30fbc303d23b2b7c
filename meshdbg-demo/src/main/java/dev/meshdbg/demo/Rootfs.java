package dev.meshdbg.demo;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container root filesystem assembled from files of this machine: each program is placed at
 * its own path with its shared-library closure (as {@code ldd} resolves it) and the loader, so a
 * dynamically linked debug server runs inside a container that has nothing else.
 */
public final class Rootfs {
    private static final Pattern LDD_PATH = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    private final Path dir;

    private Rootfs(Path dir) {
        this.dir = dir;
    }

    /** An empty root with the directories a runtime mounts over (proc, dev, sys, tmp). */
    public static Rootfs create(Path dir) {
        try {
            for (String d : List.of("proc", "dev", "sys", "tmp", "etc", "bin")) {
                Files.createDirectories(dir.resolve(d));
            }
            return new Rootfs(dir);
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot create a rootfs in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Copies {@code file} to {@code inside} (an absolute path in the rootfs), keeping it executable. */
    public Rootfs add(Path file, String inside) {
        place(file, inside);
        return this;
    }

    /**
     * Adds a program at its own path, every symlink on the way to it (so {@code /usr/bin/lldb-server-19}
     * still leads to {@code /usr/lib/llvm-19/bin/lldb-server}), and its library closure and loader.
     */
    public Rootfs addProgram(Path program) {
        try {
            Path p = program.toAbsolutePath();
            while (Files.isSymbolicLink(p)) {
                Path link = Files.readSymbolicLink(p);
                Path inside = dir.resolve(p.toString().substring(1));
                Files.createDirectories(inside.getParent());
                Files.deleteIfExists(inside);
                Files.createSymbolicLink(inside, link);
                p = p.getParent().resolve(link).normalize();
            }
            place(p, p.toString());
            for (Path lib : libraries(p)) {
                addLibrary(lib);
            }
            return this;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot add " + program + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    // A library is found at the path ldd printed, which may run through symlinks or "..": keep both names.
    private void addLibrary(Path lib) throws IOException {
        Path named = lib.normalize();
        Path real = lib.toRealPath();
        place(real, real.toString());
        if (!named.equals(real)) {
            Path inside = dir.resolve(named.toString().substring(1));
            Files.createDirectories(inside.getParent());
            if (!Files.exists(inside, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(inside, real);
            }
        }
    }

    /** The libraries and loader of a dynamically linked program; none for a static one. */
    static List<Path> libraries(Path program) {
        Set<Path> libs = new LinkedHashSet<>();
        try {
            Process p = new ProcessBuilder("ldd", program.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                Matcher m = LDD_PATH.matcher(line.strip());
                if (m.find()) {
                    libs.add(Path.of(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run ldd (install libc-bin): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while running ldd", e);
        }
        return new ArrayList<>(libs);
    }

    // Hard links cost nothing when the rootfs is on the same filesystem (lldb-server's closure is ~200 MB).
    private void place(Path file, String inside) {
        Path target = dir.resolve(inside.startsWith("/") ? inside.substring(1) : inside);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try {
                Files.createLink(target, file.toRealPath());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot copy " + file + " into " + dir + ": " + e.getMessage(), e);
        }
    }
}
