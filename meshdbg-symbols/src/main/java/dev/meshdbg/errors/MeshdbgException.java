package dev.meshdbg.errors;

/**
 * The one exception type that crosses module boundaries. Library modules throw it (or a subclass)
 * with a message a person can act on; the CLI prints the message on one line and exits with
 * {@link #exitCode()}: 2 when the input was wrong, 1 when something failed along the way.
 * It lives in the leftmost module so every module, including the java.base-only agent, can use it.
 */
public class MeshdbgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whose fault it was: decides the exit code and whether a retry can help. */
    public enum Kind { BAD_INPUT, FAILURE }

    private final Kind kind;

    public MeshdbgException(Kind kind, String message) {
        this(kind, message, null);
    }

    public MeshdbgException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static MeshdbgException badInput(String message) {
        return new MeshdbgException(Kind.BAD_INPUT, message);
    }

    public static MeshdbgException failure(String message, Throwable cause) {
        return new MeshdbgException(Kind.FAILURE, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public int exitCode() {
        return kind == Kind.BAD_INPUT ? 2 : 1;
    }
}
