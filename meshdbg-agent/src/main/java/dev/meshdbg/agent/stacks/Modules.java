package dev.meshdbg.agent.stacks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files mapped executable into the target, opened before the stop through its own root: the
 * executable through {@code /proc/PID/exe} (present even when replaced on disk), the rest through
 * {@code /proc/PID/root/PATH}, so libraries of another container's image are the right ones.
 */
final class Modules implements AutoCloseable {
    private record Placed(ProcMaps.Mapping mapping, Module module) {
    }

    private final List<Placed> placed = new ArrayList<>();
    private final List<Module> opened = new ArrayList<>();

    static Modules open(Path proc, long hostPid, String exe, ProcMaps maps) {
        Modules modules = new Modules();
        Map<String, Optional<Module>> byPath = new HashMap<>();
        for (ProcMaps.Mapping m : maps.all()) {
            if (!m.executable() || !m.fileBacked()) {
                continue;
            }
            boolean main = m.path().equals(exe);
            Path file = main ? proc.resolve(hostPid + "/exe") : proc.resolve(hostPid + "/root" + m.path());
            Optional<Module> module = byPath.computeIfAbsent(m.path(), p -> {
                Optional<Module> opened = Module.open(file, m, main);
                opened.ifPresent(modules.opened::add);
                return opened;
            });
            module.ifPresent(mod -> modules.placed.add(new Placed(m, mod)));
        }
        return modules;
    }

    /** The module whose executable mapping holds {@code address}. */
    Optional<Module> at(long address) {
        for (Placed p : placed) {
            if (p.mapping().contains(address)) {
                return Optional.of(p.module());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        opened.forEach(Module::close);
    }
}
