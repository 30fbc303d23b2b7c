package dev.meshdbg.cli.stacks;

import dev.meshdbg.symbols.symbolize.SourceLocation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints captured stacks: as text, identical stacks once with the count of threads and pods that
 * show them (most common first); as JSON, every pod with its pause and every thread with its frames.
 */
final class StacksReport {
    private static final int NAMES_SHOWN = 8;

    private StacksReport() {
    }

    static void text(PrintWriter out, List<CapturedStacks> pods) {
        for (CapturedStacks p : pods) {
            out.printf(Locale.ROOT, "%s: %d threads, stopped %.1f ms (%s)%n", p.label(), p.threads().size(),
                    p.pauseMillis(), p.server());
        }
        Map<List<String>, Group> groups = new LinkedHashMap<>();
        for (CapturedStacks p : pods) {
            for (CapturedStacks.Thread t : p.threads()) {
                groups.computeIfAbsent(key(t), k -> new Group(t)).add(pods.size() > 1 ? p.pod() + "/" + t.name() : t.name(), p.pod());
            }
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> Integer.compare(b.names.size(), a.names.size()));
        for (Group g : sorted) {
            out.println();
            int n = g.names.size();
            List<String> shown = g.names.subList(0, Math.min(NAMES_SHOWN, n));
            out.println(n + (n == 1 ? " thread" : " threads") + (pods.size() > 1 ? " in " + g.pods.size()
                    + (g.pods.size() == 1 ? " pod" : " pods") : "") + ": " + String.join(", ", shown)
                    + (n > shown.size() ? ", ... (" + (n - shown.size()) + " more)" : ""));
            lines(g.sample).forEach(out::println);
        }
        out.flush();
    }

    /** One line per frame, gdb-like; an inlined function gets a line of its own without a pc. */
    static List<String> lines(CapturedStacks.Thread t) {
        List<String> lines = new ArrayList<>();
        int index = 0;
        for (CapturedStacks.Frame f : t.frames()) {
            if (f.locations().isEmpty()) {
                String name = f.symbol() != null ? f.symbol() : "??";
                lines.add(String.format(Locale.ROOT, "  #%-3d 0x%016x in %s%s", index++, f.pc(), name,
                        f.module() == null ? "" : " from " + f.module()));
                continue;
            }
            for (int i = 0; i < f.locations().size(); i++) {
                SourceLocation l = f.locations().get(i);
                String name = l.function().isEmpty() ? (f.symbol() != null ? f.symbol() : "??") : l.function();
                String where = l.where().isEmpty() ? (f.module() == null ? "" : " from " + f.module()) : " at " + l.where();
                String pc = i == 0 ? String.format(Locale.ROOT, "0x%016x", f.pc()) : " ".repeat(18);
                boolean inlined = i < f.locations().size() - 1;
                lines.add(String.format(Locale.ROOT, "  #%-3d %s in %s%s%s", index++, pc, name, where, inlined ? " (inlined)" : ""));
            }
        }
        return lines;
    }

    /** What makes two stacks the same: the functions and lines, not the addresses (they differ per pod). */
    private static List<String> key(CapturedStacks.Thread t) {
        List<String> key = new ArrayList<>();
        for (CapturedStacks.Frame f : t.frames()) {
            if (f.locations().isEmpty()) {
                key.add((f.symbol() != null ? f.symbol() : "") + "@" + f.module() + "+" + Long.toHexString(f.address()));
            } else {
                f.locations().forEach(l -> key.add(l.function() + "@" + l.where()));
            }
        }
        return key;
    }

    private static final class Group {
        final CapturedStacks.Thread sample;
        final List<String> names = new ArrayList<>();
        final Set<String> pods = new LinkedHashSet<>();

        Group(CapturedStacks.Thread sample) {
            this.sample = sample;
        }

        Group add(String name, String pod) {
            names.add(name);
            pods.add(String.valueOf(pod));
            return this;
        }
    }

    static Map<String, Object> json(List<CapturedStacks> pods) {
        List<Object> out = new ArrayList<>();
        for (CapturedStacks p : pods) {
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("pod", p.pod());
            pod.put("hostPid", p.hostPid());
            pod.put("pid", p.innerPid());
            pod.put("exe", p.exe());
            pod.put("buildId", p.buildId());
            pod.put("server", p.server());
            pod.put("pauseMs", Math.round(p.pauseMicros() / 10.0) / 100.0);
            List<Object> threads = new ArrayList<>();
            for (CapturedStacks.Thread t : p.threads()) {
                Map<String, Object> thread = new LinkedHashMap<>();
                thread.put("tid", t.tid());
                thread.put("name", t.name());
                List<Object> frames = new ArrayList<>();
                for (CapturedStacks.Frame f : t.frames()) {
                    Map<String, Object> frame = new LinkedHashMap<>();
                    frame.put("pc", String.format(Locale.ROOT, "0x%x", f.pc()));
                    frame.put("module", f.module());
                    frame.put("address", String.format(Locale.ROOT, "0x%x", f.address()));
                    frame.put("symbol", f.symbol());
                    List<Object> locations = new ArrayList<>();
                    for (SourceLocation l : f.locations()) {
                        Map<String, Object> loc = new LinkedHashMap<>();
                        loc.put("function", l.function());
                        loc.put("file", l.file());
                        loc.put("line", l.line());
                        loc.put("column", l.column());
                        locations.add(loc);
                    }
                    frame.put("locations", locations);
                    frames.add(frame);
                }
                thread.put("frames", frames);
                threads.add(thread);
            }
            pod.put("threads", threads);
            out.add(pod);
        }
        return Map.of("pods", out);
    }
}
