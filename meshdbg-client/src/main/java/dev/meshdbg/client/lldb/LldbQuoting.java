package dev.meshdbg.client.lldb;

import dev.meshdbg.errors.MeshdbgException;
import java.util.regex.Pattern;

/** Quotes one argument for lldb's command line: bare when plain, else in double quotes. */
final class LldbQuoting {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9/._+=:,@%-]+");

    private LldbQuoting() {
    }

    static String arg(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('`') >= 0) {
            // lldb evaluates `...` as an expression, and a newline ends the command.
            throw MeshdbgException.badInput("cannot pass '" + value.replace("\n", "\\n") + "' to lldb: it holds a newline or a backtick");
        }
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
