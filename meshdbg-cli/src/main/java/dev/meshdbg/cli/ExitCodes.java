package dev.meshdbg.cli;

/** kubectl's convention: 0 ok, 1 something failed, 2 the input was wrong. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
