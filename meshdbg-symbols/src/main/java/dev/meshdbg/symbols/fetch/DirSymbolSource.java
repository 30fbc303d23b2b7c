package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** A directory holding copies of the bucket's files under their bucket names (an air-gapped mirror). */
public final class DirSymbolSource implements SymbolSource {
    private final Path dir;

    public DirSymbolSource(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw MeshdbgException.badInput("--symbols-dir " + dir + " is not a directory");
        }
        this.dir = dir;
    }

    @Override
    public String locate(String file) {
        return dir.resolve(file).toString();
    }

    @Override
    public Transfer download(String file, Path partial, FetchListener listener) {
        Path from = dir.resolve(file);
        if (!Files.isRegularFile(from)) {
            return Transfer.NOT_FOUND;
        }
        try {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have == 0) {
                Files.deleteIfExists(partial);
                try {
                    Files.createLink(partial, from); // same file system: no copy of gigabytes
                    return Transfer.COMPLETE;
                } catch (IOException | UnsupportedOperationException crossDevice) {
                    // copy below
                }
            }
            long total = Files.size(from);
            listener.started(from.toString(), have, total);
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long pos = have;
                while (pos < total) {
                    pos += out.transferFrom(in.position(pos), pos, total - pos);
                    listener.progress(from.toString(), pos, total);
                }
            }
            return Transfer.COMPLETE;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot copy " + from + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> text(String file) {
        Path p = dir.resolve(file);
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
