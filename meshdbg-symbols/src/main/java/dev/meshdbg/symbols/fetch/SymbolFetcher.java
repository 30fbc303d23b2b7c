package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Gets the release symbols of one proxy SHA into the cache: the tarball (resumed when cut short,
 * checked against its published sha256), its {@code usr/local/bin/envoy} extracted as
 * {@code envoy}, and the {@code .dwp} beside it as {@code envoy.dwp}. The binary is moved into
 * place last, so its presence means the entry is complete.
 */
public final class SymbolFetcher {
    /** The tail of every refusal: how a person passes symbols without a fetch. */
    public static final String BY_HAND = "pass symbols by hand with --symbols FILE (envoy.dwp beside it) or --symbols-dir DIR";
    private static final int ATTEMPTS = 5;

    private final SymbolSource source;
    private final SymbolCache cache;
    private final FetchListener listener;

    public SymbolFetcher(SymbolSource source, SymbolCache cache, FetchListener listener) {
        this.source = source;
        this.cache = cache;
        this.listener = listener;
    }

    public FetchedSymbols fetch(FoundSha found, String arch) {
        SymbolArtifacts a = new SymbolArtifacts(found.sha(), arch);
        Path dir = cache.dir(a);
        Path binary = dir.resolve(SymbolCache.BINARY);
        Path dwp = dir.resolve(SymbolCache.DWP);
        if (Files.isRegularFile(binary)) {
            return cached(found, a, binary, dwp);
        }
        try {
            Files.createDirectories(dir);
            // Two meshdbg processes fetching one SHA take turns; the second finds the entry complete.
            Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lock.lock()) {
                return Files.isRegularFile(binary) ? cached(found, a, binary, dwp) : download(found, a, dir, binary, dwp);
            }
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot write the symbols cache " + dir + ": " + e.getMessage(), e);
        }
    }

    private FetchedSymbols cached(FoundSha found, SymbolArtifacts a, Path binary, Path dwp) {
        return new FetchedSymbols(found, binary, Files.isRegularFile(dwp) ? Optional.of(dwp) : Optional.empty(),
                source.locate(a.tarball()), true);
    }

    private FetchedSymbols download(FoundSha found, SymbolArtifacts a, Path dir, Path binary, Path dwp) throws IOException {
        Path tarPart = dir.resolve(a.tarball() + ".part");
        if (!fetchChecked(a, a.tarball(), tarPart)) {
            try (var left = Files.list(dir)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(dir); // an unknown SHA leaves no trace in the cache
                }
            }
            throw MeshdbgException.badInput("no Envoy symbols for istio/proxy " + found.sha() + " (from " + found.from()
                    + "): " + source.locate(a.tarball()) + " does not exist; " + BY_HAND);
        }
        Path binaryPart = dir.resolve(SymbolCache.BINARY + ".part");
        TarGz.extract(tarPart, SymbolArtifacts.TAR_ENTRY, binaryPart);
        binaryPart.toFile().setExecutable(true);
        Files.delete(tarPart);

        Path dwpPart = dir.resolve(a.dwp() + ".part");
        boolean hasDwp = fetchChecked(a, a.dwp(), dwpPart);
        if (hasDwp) {
            Files.move(dwpPart, dwp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            listener.note(source.locate(a.dwp()) + " does not exist: only the skeleton units (functions, lines"
                    + " of the binary) are there, no variables or inlined frames");
        }
        Files.move(binaryPart, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new FetchedSymbols(found, binary, hasDwp ? Optional.of(dwp) : Optional.empty(),
                source.locate(a.tarball()), false);
    }

    /** Downloads (resuming) and verifies one file; false when the source does not have it. */
    private boolean fetchChecked(SymbolArtifacts a, String file, Path part) throws IOException {
        SymbolSource.Transfer t = SymbolSource.Transfer.CUT_SHORT;
        for (int i = 0; i < ATTEMPTS && t == SymbolSource.Transfer.CUT_SHORT; i++) {
            t = source.download(file, part, listener);
        }
        if (t == SymbolSource.Transfer.NOT_FOUND) {
            return false;
        }
        if (t == SymbolSource.Transfer.CUT_SHORT) {
            throw MeshdbgException.failure("the download of " + source.locate(file) + " broke off " + ATTEMPTS
                    + " times; run again to resume from " + Files.size(part) + " bytes", null);
        }
        Optional<String> want = published(a, file);
        if (want.isPresent()) {
            String have = sha256(part);
            if (!have.equals(want.get())) {
                Files.deleteIfExists(part);
                throw MeshdbgException.badInput(source.locate(file) + " has sha256 " + have + " but its checksum file says "
                        + want.get() + "; nothing was cached; " + BY_HAND);
            }
        }
        listener.finished(source.locate(file), Files.size(part), want.isPresent());
        return true;
    }

    /** The first token of the first checksum file found (sha256sum's output: "HEX  NAME"). */
    private Optional<String> published(SymbolArtifacts a, String file) {
        for (String name : a.checksumsOf(file)) {
            Optional<String> text = source.text(name);
            if (text.isPresent()) {
                String[] words = text.get().strip().split("\\s+");
                String hex = words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT);
                if (hex.matches("[0-9a-f]{64}")) {
                    return Optional.of(hex);
                }
                listener.note(source.locate(name) + " holds no sha256; not checked");
            }
        }
        return Optional.empty();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
