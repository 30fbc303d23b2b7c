package dev.meshdbg.symbols.fetch;

import java.nio.file.Path;
import java.util.Optional;

/** Where release symbols come from: Istio's bucket, a mirror with its layout, or a directory of copies. */
public interface SymbolSource {
    /** How a transfer ended. */
    enum Transfer { NOT_FOUND, COMPLETE, CUT_SHORT }

    /** The URL or path of {@code file}, for messages. */
    String locate(String file);

    /**
     * Appends {@code file}'s bytes to {@code partial} from its current length on (a resume), and
     * says whether the whole file is now there.
     */
    Transfer download(String file, Path partial, FetchListener listener);

    /** A small file's text (a checksum), or empty when the source has none. */
    Optional<String> text(String file);
}
