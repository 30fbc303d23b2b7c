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
 * One llvm-dwarfutil process writing {@code .debug_names} into a copy. Keeps the DWARF as it is
 * (no garbage collection, no ODR type deduplication): the copy must describe the same program,
 * only with an accelerator table. Samples the tool's peak memory while it runs, and ends it
 * (with its log) if this JVM exits first.
 */
final class DwarfUtilRun {
    static final List<String> FLAGS = List.of("--no-garbage-collection", "--no-odr", "--build-accelerator=DWARF");
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final DwarfUtil tool;
    private final Path input;
    private final Path copy;
    private long peakRss = -1;

    DwarfUtilRun(DwarfUtil tool, Path input, Path copy) {
        this.tool = tool;
        this.input = input;
        this.copy = copy;
    }

    /** Runs to the end; a non-zero exit is a failure carrying the tool's last line of output. */
    void run(IndexListener listener) {
        Path log = copy.resolveSibling(copy.getFileName() + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(tool.executable().toString()));
        command.addAll(FLAGS);
        command.add(input.toAbsolutePath().toString());
        command.add(copy.toAbsolutePath().toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run " + tool.executable() + ": " + e.getMessage(), e);
        }
        Thread stopOnExit = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            deleteQuietly(copy);
            deleteQuietly(log);
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
                long rss = HostResources.peakRss(process.pid());
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

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Best effort: a leftover temporary file is named after the output and says what it is.
        }
    }
}
