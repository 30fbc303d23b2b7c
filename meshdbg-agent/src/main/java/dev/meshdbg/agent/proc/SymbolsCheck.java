package dev.meshdbg.agent.proc;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that the symbols a person debugs with belong to the running binary. The running binary
 * is read through {@code /proc/PID/exe}, which reaches it in any mount namespace. Build-ids are
 * compared when the symbols carry one; otherwise the hash of the loadable code sections.
 */
public final class SymbolsCheck {
    /** What the symbols file is, as the side that holds it computed: a build-id or a code hash. */
    public record Expected(Optional<BuildId> buildId, Optional<String> codeHash, String source) {
        public static Expected none() {
            return new Expected(Optional.empty(), Optional.empty(), "");
        }

        public boolean isEmpty() {
            return buildId.isEmpty() && codeHash.isEmpty();
        }

        /** Reads a local symbols file; the code hash only when it has no build-id. */
        public static Expected of(Path symbols) {
            try (ElfFile elf = ElfFile.open(symbols)) {
                Optional<BuildId> id = elf.buildId();
                Optional<String> hash = id.isPresent() ? Optional.empty() : Optional.of(hex(elf.loadableCodeHash()));
                return new Expected(id, hash, symbols.toString());
            }
        }
    }

    /** The outcome: how the binaries were compared, both identities, and whether a mismatch was waved through. */
    public record Verdict(String method, Optional<String> running, Optional<String> symbols, boolean match, boolean ignored) {
    }

    private SymbolsCheck() {
    }

    /** The build-id of the running binary of {@code hostPid}, read through /proc. */
    public static Optional<BuildId> runningBuildId(Path proc, long hostPid) {
        try (ElfFile elf = ElfFile.open(exe(proc, hostPid))) {
            return elf.buildId();
        }
    }

    public static Verdict verify(Path proc, long hostPid, Expected expected, boolean ignoreMismatch) {
        if (expected.isEmpty()) {
            return new Verdict("none", runningBuildId(proc, hostPid).map(BuildId::hex), Optional.empty(), true, false);
        }
        Path exe = exe(proc, hostPid);
        try (ElfFile elf = ElfFile.open(exe)) {
            Optional<String> running = elf.buildId().map(BuildId::hex);
            Verdict v;
            if (expected.buildId().isPresent()) {
                String want = expected.buildId().get().hex();
                v = new Verdict("build-id", running, Optional.of(want), running.map(want::equals).orElse(false), false);
            } else {
                String have = hex(elf.loadableCodeHash());
                String want = expected.codeHash().orElseThrow().toLowerCase(Locale.ROOT);
                v = new Verdict("code-hash", Optional.of(have), Optional.of(want), have.equals(want), false);
            }
            if (v.match()) {
                return v;
            }
            if (ignoreMismatch) {
                return new Verdict(v.method(), v.running(), v.symbols(), false, true);
            }
            String from = expected.source().isEmpty() ? "the symbols have" : expected.source() + " has";
            throw MeshdbgException.badInput("symbols do not match the running binary: " + from + " " + v.method() + " "
                    + v.symbols().orElse("?") + ", pid " + hostPid + " runs " + v.method() + " "
                    + v.running().orElse("(none)") + "; use the symbols of the same build, or --ignore-build-id-mismatch");
        }
    }

    static Path exe(Path proc, long hostPid) {
        return proc.resolve(hostPid + "/exe");
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
