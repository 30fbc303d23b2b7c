package dev.meshdbg.client.vscode;

import dev.meshdbg.json.JsonStrings;
import java.util.List;
import java.util.Map;

/** Writes maps, lists, strings and booleans as strict, indented JSON (what meshdbg adds to launch.json). */
final class JsonWriter {
    private JsonWriter() {
    }

    /** The value's text; lines after the first are prefixed with {@code indent} plus one {@code unit} per level. */
    static String write(Object value, String indent, String unit) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, unit);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent, String unit) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(indent).append(unit);
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent + unit, unit);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                out.append(indent).append(unit);
                write(out, list.get(i), indent + unit, unit);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else {
            string(out, String.valueOf(value));
        }
    }

    static void string(StringBuilder out, String s) {
        JsonStrings.quote(out, s);
    }
}
