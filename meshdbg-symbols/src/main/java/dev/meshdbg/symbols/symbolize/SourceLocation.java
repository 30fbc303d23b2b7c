package dev.meshdbg.symbols.symbolize;

/**
 * One function at an address, as the debug info says: name (demangled), file, line and column (0
 * when unknown). An address inside inlined code has several: the innermost first, then each
 * function it was inlined into.
 */
public record SourceLocation(String function, String file, int line, int column) {
    /** {@code file:line}, or the file alone, or empty when the debug info does not say. */
    public String where() {
        if (file.isEmpty()) {
            return "";
        }
        return line > 0 ? file + ":" + line : file;
    }
}
