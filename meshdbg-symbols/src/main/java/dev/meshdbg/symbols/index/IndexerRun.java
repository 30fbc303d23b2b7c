package dev.meshdbg.symbols.index;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One tool process writing {@code .debug_names} into a copy of the input (see {@link IndexTool}
 * for the command). Samples the tool's peak memory while it runs, and ends it (removing the copy
 * and its log) if this JVM exits first.
 */
final class IndexerRun {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final IndexerInstall tool;
    private final Path input;
    private final Path copy;
    private long peakRss = -1;

    IndexerRun(IndexerInstall tool, Path input, Path copy) {
        this.tool = tool;
        this.input = input;
        this.copy = copy;
    }

    /** Runs to the end; a non-zero exit is a failure carrying the tool's last line of output. */
    void run(IndexListener listener) {
        Path log = copy.resolveSibling(copy.getFileName() + ".log");
        List<String> command = tool.kind().command(tool.executable(), input, copy);
        Process process;
        try {
            if (tool.kind().editsInPlace()) {
                Files.copy(input, copy);
            }
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            deleteQuietly(copy);
            throw MeshdbgException.failure("cannot run " + tool.executable() + ": " + e.getMessage(), e);
        }
        Thread stopOnExit = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            deleteQuietly(copy);
            deleteQuietly(log);
            deleteLeftovers(copy);
        }, "meshdbg-index-cleanup");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        long start = System.nanoTime();
        try {
            int exit = await(process, listener, start);
            if (exit == 128 + 9) {
                throw MeshdbgException.failure(tool.executable().getFileName() + " was killed (SIGKILL) while indexing " + input
                        + (peakRss > 0 ? " after using up to " + IndexPlanner.gb(peakRss) + " of memory" : "")
                        + "; most likely it ran out of memory: index it on a machine with more", null);
            }
            if (exit != 0) {
                throw MeshdbgException.failure(tool.executable().getFileName() + " failed (exit " + exit + ") on " + input
                        + ": " + lastLine(log), null);
            }
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteQuietly(log);
            removeHook(stopOnExit);
        }
    }

    long peakRss() {
        return peakRss;
    }

    private int await(Process process, IndexListener listener, long start) {
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        try {
            while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
                // gdb-add-index is a script: the memory is in its gdb, a descendant.
                long rss = process.descendants().mapToLong(h -> HostResources.peakRss(h.pid()))
                        .reduce(HostResources.peakRss(process.pid()), Math::max);
                peakRss = Math.max(peakRss, rss);
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    listener.progress(Duration.ofNanos(now - start), rss);
                    nextProgress = now + PROGRESS_EVERY.toNanos();
                }
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while " + tool.executable().getFileName() + " was indexing " + input, e);
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "it printed nothing" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "its output could not be read";
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook runs and cleans up.
        }
    }

    /** gdb-add-index writes COPY.debug_names, COPY.debug_str and the like beside the copy; a killed run leaves them. */
    static void deleteLeftovers(Path copy) {
        String prefix = copy.getFileName() + ".";
        try (java.util.stream.Stream<Path> siblings = Files.list(copy.toAbsolutePath().getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(IndexerRun::deleteQuietly);
        } catch (IOException e) {
            // Best effort, as below.
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Best effort: a leftover temporary file is named after the output and says what it is.
        }
    }
}
