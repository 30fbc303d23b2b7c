package dev.meshdbg.symbols.dwarf;

/** Corrupt DWARF found while decoding; the scanner adds the file and unit and turns it into bad input. */
final class DwarfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DwarfFormatException(String message) {
        super(message, null, false, false);
    }
}
