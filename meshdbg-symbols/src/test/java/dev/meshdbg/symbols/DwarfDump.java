package dev.meshdbg.symbols;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The root DIEs as {@code llvm-dwarfdump-14 --recurse-depth=0} prints them: the reference the tests compare with. */
public final class DwarfDump {
    public static final String TOOL = "llvm-dwarfdump-14";

    /** One unit as llvm-dwarfdump reports it. */
    public record Unit(String section, long offset, int version, String name, String compDir, String dwoName) {
    }

    private static final Pattern SECTION = Pattern.compile("^(\\.debug_\\S+) contents:");
    private static final Pattern HEADER = Pattern.compile("^0x([0-9a-f]+): \\w+ Unit: .*version = 0x([0-9a-f]+)");
    private static final Pattern ATTR = Pattern.compile("^\\s+(DW_AT_\\w+)\\s+\\(\"(.*)\"\\)$");

    private DwarfDump() {
    }

    public static List<Unit> units(Path file, String... sections) {
        List<String> cmd = new ArrayList<>(List.of(TOOL, "--recurse-depth=0"));
        for (String s : sections) {
            cmd.add("--" + s.substring(1).replace("debug_", "debug-").replace(".dwo", "").replace('_', '-'));
        }
        cmd.add(file.toString());
        String out = Toolchain.run(file.getParent(), cmd);
        List<Unit> units = new ArrayList<>();
        String section = null;
        long offset = -1;
        int version = 0;
        String name = null;
        String dir = null;
        String dwo = null;
        for (String line : out.split("\n")) {
            Matcher s = SECTION.matcher(line);
            Matcher h = HEADER.matcher(line);
            Matcher a = ATTR.matcher(line);
            if (s.find() || h.find()) {
                if (offset >= 0) {
                    units.add(new Unit(section, offset, version, name, dir, dwo));
                    offset = -1;
                }
            }
            if (s.find(0)) {
                section = s.group(1);
            } else if (h.find(0)) {
                offset = Long.parseLong(h.group(1), 16);
                version = Integer.parseInt(h.group(2), 16);
                name = null;
                dir = null;
                dwo = null;
            } else if (a.find()) {
                switch (a.group(1)) {
                    case "DW_AT_name" -> name = name == null ? a.group(2) : name;
                    case "DW_AT_comp_dir" -> dir = dir == null ? a.group(2) : dir;
                    case "DW_AT_dwo_name", "DW_AT_GNU_dwo_name" -> dwo = dwo == null ? a.group(2) : dwo;
                    default -> {
                    }
                }
            }
        }
        if (offset >= 0) {
            units.add(new Unit(section, offset, version, name, dir, dwo));
        }
        return units;
    }

    /** The GNU build-id as {@code readelf -n} prints it, or null. */
    public static String readelfBuildId(Path file) {
        Toolchain.require("readelf");
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(Toolchain.run(file.getParent(), "readelf", "-n", file.toString()));
        return m.find() ? m.group(1) : null;
    }
}
