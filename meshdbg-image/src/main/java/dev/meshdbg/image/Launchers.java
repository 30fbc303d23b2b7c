package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The scripts under /opt/meshdbg/bin. Each one runs its binary through the bundled loader with
 * {@code --library-path /opt/meshdbg/lib}, so nothing of the base image is used: not its libc, not
 * its loader. The interpreter is a bundled static busybox when this machine has one (so the scripts
 * work on distroless bases too), else the base's /bin/sh.
 */
final class Launchers {
    static final String ROOT = ImageSpec.MESHDBG_ROOT;
    static final String LIB = ROOT + "/lib";
    static final String BIN = ROOT + "/bin";
    static final String LIBEXEC = ROOT + "/libexec";
    static final String JAVA = ROOT + "/java";
    static final String AGENT_JAR = ROOT + "/agent/meshdbg-agent.jar";
    static final String SHELL = BIN + "/sh";
    static final String AGENT = dev.meshdbg.agent.AgentMain.IMAGE_LAUNCHER;
    static final String AGENT_MEMORY = String.join(" ", dev.meshdbg.agent.AgentMain.MEMORY_OPTIONS);

    private final String loader;
    private final boolean bundledShell;

    Launchers(ImagePlatform platform, boolean bundledShell) {
        this.loader = LIB + "/" + platform.loaderName();
        this.bundledShell = bundledShell;
    }

    /** A static busybox on this machine, to serve as the scripts' shell. */
    static Optional<Path> staticBusybox(ImagePlatform platform) {
        for (String name : new String[] {"busybox"}) {
            Optional<Path> found = SharedLibraries.onPath(name).map(SharedLibraries::realPath);
            if (found.isPresent()) {
                try (ElfFile elf = ElfFile.open(found.get())) {
                    if (elf.sectionHeader(".interp").isEmpty() && elf.machine().equals(platform.elfMachine())) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }

    String agent() {
        return script("the meshdbg agent on the bundled Java runtime",
                loader + " --library-path " + LIB + ":" + JAVA + "/lib:" + JAVA + "/lib/server " + JAVA + "/bin/java"
                        // No jspawnhelper: it would need the base's loader.
                        + " -Djdk.lang.Process.launchMechanism=VFORK -XX:+UseSerialGC"
                        + " " + AGENT_MEMORY
                        + " -cp " + AGENT_JAR + " " + AgentJar.MAIN_CLASS + " \"$@\"");
    }

    String debugServer(DebugServer server) {
        return script(server.imageName() + " with its own libraries and loader",
                loader + " --library-path " + LIB + " " + LIBEXEC + "/" + server.imageName() + " \"$@\"");
    }

    /** kill(1) for the agent, which must stop a target that leads no process group; the bundled busybox's. */
    String kill() {
        return "#!" + SHELL + "\n# kill(1) from the bundled busybox: the base may have none (distroless).\nkill \"$@\"\n";
    }

    private String script(String what, String command) {
        return "#!" + (bundledShell ? SHELL : "/bin/sh") + "\n"
                + "# " + what + ", independent of the base image's libc.\n"
                + "exec " + command + "\n";
    }

    /** Writes {@code text} to {@code file} unless it already holds exactly that (keeps its time, and Jib's cache). */
    static Path writeIfChanged(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
                Files.write(file, bytes);
            }
            return file;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
