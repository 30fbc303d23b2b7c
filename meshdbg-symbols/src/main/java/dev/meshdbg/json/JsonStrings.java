package dev.meshdbg.json;

/**
 * JSON string quoting, shared by the small JSON writers of the java.base-only modules (the
 * agent's events, the client's launch.json) and the CLI paths that must not load Jackson.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string literal, quotes included. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
