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
 * is read through {@code /proc/PID/exe}, which reaches it in any mount namespace. Equal build-ids
 * settle it; otherwise the hash of the loadable code sections must match. Istio's stock Envoy is a
 * separate stripped link of the release symbols' build: same code, another build-id (or none).
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

        /** Reads a local symbols file: its build-id, if any, and always its code hash. */
        public static Expected of(Path symbols) {
            try (ElfFile elf = ElfFile.open(symbols)) {
                return new Expected(elf.buildId(), Optional.of(hex(elf.loadableCodeHash())), symbols.toString());
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
            Optional<String> wantId = expected.buildId().map(BuildId::hex);
            if (wantId.isPresent() && (running.equals(wantId) || expected.codeHash().isEmpty())) {
                v = new Verdict("build-id", running, wantId, running.equals(wantId), false);
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
            throw MeshdbgException.badInput("symbols do not match the running binary: " + from + " "
                    + identity(wantId, expected.codeHash().orElse(null)) + ", pid " + hostPid + " runs "
                    + identity(running, v.method().equals("code-hash") ? v.running().orElseThrow() : null)
                    + "; use the symbols of the same build (--symbols FILE, --symbols-dir DIR), or --ignore-build-id-mismatch");
        }
    }

    private static String identity(Optional<String> buildId, String codeHash) {
        return "build-id " + buildId.orElse("(none)") + (codeHash == null ? "" : " and code-hash " + codeHash);
    }

    static Path exe(Path proc, long hostPid) {
        return proc.resolve(hostPid + "/exe");
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
