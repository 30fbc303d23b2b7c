package dev.meshdbg.symbols.inspect;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.dwarf.DwarfUnit;
import dev.meshdbg.symbols.dwarf.DwpIndex;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.inspect.SymbolReport.Dwp;
import dev.meshdbg.symbols.inspect.SymbolReport.SplitDwarf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches skeleton units to the .dwp beside the program (Envoy ships {@code envoy.dwp} next to
 * {@code envoy}) by DWO id, and fills in each skeleton's source name from its split unit.
 */
final class SplitDwarfCheck {
    record Result(SplitDwarf status, List<DwarfUnit> units) {
    }

    private SplitDwarfCheck() {
    }

    /** Null when the program has no skeleton units. */
    static Result check(Path program, List<DwarfUnit> units) {
        List<DwarfUnit> skeletons = units.stream().filter(DwarfUnit::isSkeleton).toList();
        if (skeletons.isEmpty()) {
            return null;
        }
        Path dwpPath = program.resolveSibling(program.getFileName() + ".dwp");
        Map<Long, DwarfUnit> split = new HashMap<>();
        Dwp dwp;
        if (!Files.isRegularFile(dwpPath)) {
            dwp = new Dwp(dwpPath.toString(), false, 0, 0, 0, hexIds(skeletons, split), null);
        } else {
            try (ElfFile file = ElfFile.open(dwpPath)) {
                DwpIndex index = DwpIndex.read(file);
                for (DwarfUnit u : index.splitUnits(file)) {
                    u.dwoId().ifPresent(id -> split.put(id, u));
                }
                int covered = (int) skeletons.stream()
                        .filter(s -> s.dwoId().isPresent() && index.covers(s.dwoId().getAsLong())).count();
                dwp = new Dwp(dwpPath.toString(), true, index.version(), index.unitCount(), covered,
                        hexIds(skeletons, index), null);
            } catch (MeshdbgException e) {
                split.clear();
                dwp = new Dwp(dwpPath.toString(), true, 0, 0, 0, hexIds(skeletons, split), e.getMessage());
            }
        }
        List<DwarfUnit> completed = new ArrayList<>(units.size());
        List<String> dwoNames = new ArrayList<>();
        int found = 0;
        for (DwarfUnit u : units) {
            if (!u.isSkeleton()) {
                completed.add(u);
                continue;
            }
            if (u.dwoName() != null) {
                dwoNames.add(u.dwoName());
                if (Files.isRegularFile(Path.of(join(u.compDir(), u.dwoName())))) {
                    found++;
                }
            }
            DwarfUnit s = u.dwoId().isPresent() ? split.get(u.dwoId().getAsLong()) : null;
            completed.add(s == null ? u : new DwarfUnit(u.section(), u.offset(), u.version(), u.type(), u.dwarf64(),
                    u.tag(), u.name() != null ? u.name() : s.name(), u.compDir() != null ? u.compDir() : s.compDir(),
                    u.producer() != null ? u.producer() : s.producer(), u.dwoName(), u.dwoId()));
        }
        return new Result(new SplitDwarf(skeletons.size(), dwoNames, found, dwp), completed);
    }

    private static List<String> hexIds(List<DwarfUnit> skeletons, Map<Long, DwarfUnit> known) {
        return skeletons.stream().filter(s -> s.dwoId().isPresent() && !known.containsKey(s.dwoId().getAsLong()))
                .map(s -> String.format("%016x", s.dwoId().getAsLong())).toList();
    }

    private static List<String> hexIds(List<DwarfUnit> skeletons, DwpIndex index) {
        return skeletons.stream().filter(s -> s.dwoId().isPresent() && !index.covers(s.dwoId().getAsLong()))
                .map(s -> String.format("%016x", s.dwoId().getAsLong())).toList();
    }

    private static String join(String dir, String name) {
        if (name.startsWith("/") || dir == null || dir.isEmpty()) {
            return name;
        }
        return dir + "/" + name;
    }
}
