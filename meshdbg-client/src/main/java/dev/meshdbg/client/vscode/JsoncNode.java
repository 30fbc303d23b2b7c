package dev.meshdbg.client.vscode;

import java.util.List;

/**
 * A value parsed from JSON with comments, with where it sits in the text, so that a merge can
 * splice the text around it and keep everything else (comments, layout) exactly as written.
 * {@code start} is the offset of the value's first character, {@code end} one past its last.
 */
sealed interface JsoncNode {
    int start();

    int end();

    /** One member or element; {@code itemStart} is where the member's key starts, {@code commaAfter} -1 when none follows. */
    record Item(String key, int itemStart, JsoncNode value, int commaAfter) {
        int end() {
            return value.end();
        }
    }

    /** An object or array: both hold items and close with one character at {@code end - 1}. */
    sealed interface Container extends JsoncNode {
        List<Item> items();
    }

    record Obj(int start, int end, List<Item> items) implements Container {
        /** The last member with this key (the one a JSON reader keeps), or null. */
        Item member(String key) {
            Item found = null;
            for (Item i : items) {
                if (key.equals(i.key())) {
                    found = i;
                }
            }
            return found;
        }
    }

    record Arr(int start, int end, List<Item> items) implements Container {
    }

    record Str(int start, int end, String value) implements JsoncNode {
    }

    /** A number, true, false or null: the merge never needs their value. */
    record Scalar(int start, int end) implements JsoncNode {
    }
}
