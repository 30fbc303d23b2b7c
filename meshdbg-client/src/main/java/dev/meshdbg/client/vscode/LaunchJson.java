package dev.meshdbg.client.vscode;

import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.errors.MeshdbgException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges meshdbg's entries into a launch.json (JSON with comments) by editing its text: every
 * configuration whose name starts with {@code meshdbg:} is cut out, the new ones are added at the
 * end of {@code configurations}, and every other byte (the user's entries, comments, layout) stays.
 */
public final class LaunchJson {
    private LaunchJson() {
    }

    /** One splice of the text; {@code seq} orders splices at the same offset. */
    private record Edit(int start, int end, String text, int seq) {
    }

    /**
     * The new launch.json text. {@code existing} null or blank starts a new file. A file that is
     * not JSON with comments, or whose {@code configurations} is not a list, is refused.
     */
    public static String merge(String existing, Path file, SessionSpec spec, Path workspace, ClientEnvironment env) {
        List<Map<String, Object>> entries = LaunchEntries.of(spec, workspace, env);
        if (existing == null || existing.isBlank()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("version", "0.2.0");
            doc.put("configurations", entries);
            return JsonWriter.write(doc, "", "    ") + "\n";
        }
        String merged = merge(existing, file, entries);
        try {
            JsoncParser.parse(merged);
        } catch (JsoncParser.SyntaxError e) {
            throw MeshdbgException.failure("meshdbg produced an unreadable " + file + " (" + e.getMessage()
                    + "); the file was left unchanged", e);
        }
        return merged;
    }

    static String merge(String text, Path file, List<Map<String, Object>> entries) {
        JsoncNode root;
        try {
            root = JsoncParser.parse(text);
        } catch (JsoncParser.SyntaxError e) {
            throw refuse(file, "is not JSON with comments (" + e.getMessage() + ")");
        }
        if (!(root instanceof JsoncNode.Obj doc)) {
            throw refuse(file, "is not a JSON object");
        }
        String unit = indentUnit(text, doc);
        JsoncNode.Item configurations = doc.member("configurations");
        List<Edit> edits = new ArrayList<>();
        if (configurations == null) {
            String inner = indentOf(text, doc.start()) + unit;
            String member = "\"configurations\": " + JsonWriter.write(entries, inner, unit);
            append(text, doc, doc.items(), List.of(member), unit, edits);
        } else if (configurations.value() instanceof JsoncNode.Arr list) {
            List<JsoncNode.Item> kept = new ArrayList<>();
            for (JsoncNode.Item item : list.items()) {
                if (isMeshdbg(item.value())) {
                    edits.add(cut(text, item, edits.size()));
                } else {
                    kept.add(item);
                }
            }
            String inner = elementIndent(text, list, unit);
            List<String> rendered = new ArrayList<>();
            for (Map<String, Object> entry : entries) {
                rendered.add(JsonWriter.write(entry, inner, unit));
            }
            append(text, list, kept, rendered, unit, edits);
        } else {
            throw refuse(file, "has a \"configurations\" that is not a list");
        }
        return apply(text, edits);
    }

    private static boolean isMeshdbg(JsoncNode value) {
        return value instanceof JsoncNode.Obj obj
                && obj.member("name") != null
                && obj.member("name").value() instanceof JsoncNode.Str name
                && name.value().startsWith(LaunchEntries.PREFIX);
    }

    /** Cuts an item with its comma; a whole line when the item had the line to itself. */
    private static Edit cut(String text, JsoncNode.Item item, int seq) {
        int start = item.itemStart();
        int end = item.commaAfter() >= 0 ? item.commaAfter() + 1 : item.end();
        int lineStart = lineStart(text, start);
        int rest = end;
        while (rest < text.length() && (text.charAt(rest) == ' ' || text.charAt(rest) == '\t')) {
            rest++;
        }
        boolean endsLine = rest == text.length() || text.charAt(rest) == '\n' || text.charAt(rest) == '\r';
        if (endsLine && text.substring(lineStart, start).isBlank()) {
            start = lineStart;
            end = text.startsWith("\r\n", rest) ? rest + 2 : Math.min(rest + 1, text.length());
        } else if (endsLine) {
            while (start > lineStart && (text.charAt(start - 1) == ' ' || text.charAt(start - 1) == '\t')) {
                start--; // no trailing blanks left behind
            }
            end = rest;
        } else {
            end = rest;
        }
        return new Edit(start, end, "", seq);
    }

    /** Adds items at the end of a container, after its last kept item (which gets a comma if it has none). */
    private static void append(String text, JsoncNode.Container container, List<JsoncNode.Item> kept,
                               List<String> items, String unit, List<Edit> edits) {
        if (items.isEmpty()) {
            return;
        }
        JsoncNode.Item last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
        if (last != null && last.commaAfter() < 0) {
            edits.add(new Edit(last.end(), last.end(), ",", edits.size()));
        }
        int close = container.end() - 1;
        int closeLine = lineStart(text, close);
        String inner = container instanceof JsoncNode.Arr arr ? elementIndent(text, arr, unit) : indentOf(text, container.start()) + unit;
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        StringBuilder insert = new StringBuilder();
        int at;
        if (text.substring(closeLine, close).isBlank()) {
            at = closeLine;
            for (int i = 0; i < items.size(); i++) {
                insert.append(inner).append(items.get(i)).append(i + 1 < items.size() ? "," : "").append(newline);
            }
        } else {
            at = close;
            for (int i = 0; i < items.size(); i++) {
                insert.append(newline).append(inner).append(items.get(i)).append(i + 1 < items.size() ? "," : "");
            }
            insert.append(newline).append(indentOf(text, close));
        }
        edits.add(new Edit(at, at, insert.toString().replace("\n", newline).replace("\r\r\n", "\r\n"), edits.size()));
    }

    private static String apply(String text, List<Edit> edits) {
        List<Edit> ordered = new ArrayList<>(edits);
        // From the end backwards, so earlier offsets stay valid; at one offset the later splice goes first.
        ordered.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::seq).reversed());
        StringBuilder out = new StringBuilder(text);
        for (Edit e : ordered) {
            out.replace(e.start(), e.end(), e.text());
        }
        return out.toString();
    }

    /** The indentation of the array's first element that starts its own line, else one unit past the array's line. */
    private static String elementIndent(String text, JsoncNode.Arr list, String unit) {
        for (JsoncNode.Item item : list.items()) {
            String before = text.substring(lineStart(text, item.itemStart()), item.itemStart());
            if (before.isBlank()) {
                return before;
            }
        }
        return indentOf(text, list.start()) + unit;
    }

    /** The file's indentation step, taken from the root's first member; four spaces when it cannot tell. */
    private static String indentUnit(String text, JsoncNode.Obj doc) {
        if (!doc.items().isEmpty()) {
            int start = doc.items().get(0).itemStart();
            String before = text.substring(lineStart(text, start), start);
            if (!before.isEmpty() && before.isBlank()) {
                return before.replace("\r", "").replace("\n", "");
            }
        }
        return "    ";
    }

    private static String indentOf(String text, int offset) {
        int start = lineStart(text, offset);
        int end = start;
        while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
            end++;
        }
        return text.substring(start, end);
    }

    private static int lineStart(String text, int offset) {
        int nl = text.lastIndexOf('\n', offset - 1);
        return nl + 1;
    }

    private static MeshdbgException refuse(Path file, String why) {
        return MeshdbgException.badInput(file + " " + why + "; fix it or move it away, meshdbg changed nothing");
    }
}
