package dev.meshdbg.cli.stacks;

import dev.meshdbg.symbols.symbolize.LlvmSymbolizer;
import dev.meshdbg.symbols.symbolize.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Adds function, file:line and inlined frames to captured stacks with llvm-symbolizer, one run per
 * file: the executable's frames with the symbol file (the agent checked that its code is the
 * running one's), other modules with a local copy when there is one (on this machine, through
 * {@code /proc/PID/root}). Frames it cannot place keep the agent's ELF symbol.
 */
final class FrameSymbolizer {
    private final Optional<LlvmSymbolizer> symbolizer;

    FrameSymbolizer(Optional<LlvmSymbolizer> symbolizer) {
        this.symbolizer = symbolizer;
    }

    /**
     * {@code fileFor} says which local file describes a frame's module: the symbol file for the
     * executable, a path under the target's root locally, or empty (in a cluster, a library).
     */
    CapturedStacks symbolize(CapturedStacks stacks, Function<CapturedStacks.Frame, Optional<Path>> fileFor) {
        if (symbolizer.isEmpty()) {
            return stacks;
        }
        Map<Path, Set<Long>> wanted = new LinkedHashMap<>();
        for (CapturedStacks.Thread t : stacks.threads()) {
            for (CapturedStacks.Frame f : t.frames()) {
                fileFor.apply(f).filter(Files::isReadable).ifPresent(p -> wanted.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(f.address()));
            }
        }
        Map<Path, Map<Long, List<SourceLocation>>> found = new LinkedHashMap<>();
        wanted.forEach((file, addresses) -> found.put(file, symbolizer.get().symbolize(file, new ArrayList<>(addresses))));
        List<CapturedStacks.Thread> threads = new ArrayList<>();
        for (CapturedStacks.Thread t : stacks.threads()) {
            List<CapturedStacks.Frame> frames = new ArrayList<>();
            for (CapturedStacks.Frame f : t.frames()) {
                List<SourceLocation> l = fileFor.apply(f).map(found::get).map(m -> m.get(f.address())).orElse(List.of());
                frames.add(l == null || l.isEmpty() ? f : f.withLocations(l));
            }
            threads.add(new CapturedStacks.Thread(t.tid(), t.name(), frames));
        }
        return stacks.withThreads(threads);
    }
}
