package dev.meshdbg.client.vscode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads JSON with comments the way VSCode writes and accepts launch.json: {@code //} and
 * {@code /* *}{@code /} comments and trailing commas allowed, everything else strict JSON.
 */
final class JsoncParser {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** The text is not JSON with comments; says where and what was expected. */
    static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private JsoncParser(String text) {
        this.text = text;
    }

    /** Parses a whole document: one value between optional comments and whitespace. */
    static JsoncNode parse(String text) {
        JsoncParser p = new JsoncParser(text);
        if (text.startsWith("\uFEFF")) {
            p.pos = 1;
        }
        JsoncNode root = p.value();
        p.skip();
        if (p.pos < text.length()) {
            throw p.error("unexpected text after the end of the document");
        }
        return root;
    }

    private JsoncNode value() {
        skip();
        if (pos >= text.length()) {
            throw error("unexpected end of the document, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> container(true);
            case '[' -> container(false);
            case '"' -> string();
            default -> scalar();
        };
    }

    private JsoncNode container(boolean object) {
        int start = pos++;
        char close = object ? '}' : ']';
        List<JsoncNode.Item> items = new ArrayList<>();
        while (true) {
            skip();
            if (peek() == close) {
                pos++;
                return object ? new JsoncNode.Obj(start, pos, items) : new JsoncNode.Arr(start, pos, items);
            }
            int itemStart = pos;
            String key = null;
            if (object) {
                if (peek() != '"') {
                    throw error("expected a member name in double quotes or '}'");
                }
                key = string().value();
                skip();
                if (peek() != ':') {
                    throw error("expected ':' after the member name");
                }
                pos++;
            }
            JsoncNode value = value();
            skip();
            int comma = -1;
            if (peek() == ',') {
                comma = pos++;
            } else if (peek() != close) {
                throw error("expected ',' or '" + close + "'");
            }
            items.add(new JsoncNode.Item(key, itemStart, value, comma));
        }
    }

    private JsoncNode.Str string() {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return new JsoncNode.Str(start, pos, value.toString());
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in a string");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char e = pos < text.length() ? text.charAt(pos++) : 0;
            switch (e) {
                case '"', '\\', '/' -> value.append(e);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> value.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("invalid escape in a string");
                }
            }
        }
    }

    private char unicodeEscape() {
        if (pos + 4 > text.length() || !text.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
            throw error("invalid \\u escape in a string");
        }
        char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
        pos += 4;
        return c;
    }

    private JsoncNode scalar() {
        int start = pos;
        for (String literal : new String[] {"true", "false", "null"}) {
            if (text.startsWith(literal, pos)) {
                pos += literal.length();
                return new JsoncNode.Scalar(start, pos);
            }
        }
        Matcher m = NUMBER.matcher(text).region(pos, text.length());
        if (m.lookingAt()) {
            pos = m.end();
            return new JsoncNode.Scalar(start, pos);
        }
        throw error("expected a value (object, list, string, number, true, false or null)");
    }

    /** Skips whitespace and comments. */
    private void skip() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (text.startsWith("//", pos)) {
                int nl = text.indexOf('\n', pos);
                pos = nl < 0 ? text.length() : nl + 1;
            } else if (text.startsWith("/*", pos)) {
                int endComment = text.indexOf("*/", pos + 2);
                if (endComment < 0) {
                    throw error("unterminated /* comment");
                }
                pos = endComment + 2;
            } else {
                return;
            }
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private SyntaxError error(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SyntaxError("line " + line + ", column " + column + ": " + what);
    }
}
