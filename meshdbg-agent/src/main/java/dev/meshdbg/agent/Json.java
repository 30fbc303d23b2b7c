package dev.meshdbg.agent;

import dev.meshdbg.json.JsonStrings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tiny JSON object writer for the agent's events (java.base only, so no JSON library):
 * strings, numbers, booleans, null, empty Optionals as null, collections, and nested objects.
 */
public final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public static Json object() {
        return new Json();
    }

    public Json put(String name, Object value) {
        fields.put(name, value instanceof Optional<?> o ? o.orElse(null) : value);
        return this;
    }

    public Json putAll(Json other) {
        fields.putAll(other.fields);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        write(out, this);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Json j) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : j.fields.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                string(out, e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> c) {
            out.append('[');
            boolean first = true;
            for (Object o : c) {
                out.append(first ? "" : ",");
                first = false;
                write(out, o);
            }
            out.append(']');
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Optional<?> o) {
            write(out, o.orElse(null));
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        JsonStrings.quote(out, s);
    }
}
