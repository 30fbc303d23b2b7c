package dev.meshdbg.symbols.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tarball reader against archives GNU tar writes in each format, with long names before the entry. */
class TarGzTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax", "ustar"})
    void findsTheEnvoyBehindEntriesWithLongNames(String format) throws Exception {
        Toolchain.require("tar");
        Path root = dir.resolve("root");
        String longDir = "a".repeat(90) + "/" + "b".repeat(60);
        Files.createDirectories(root.resolve(longDir));
        Files.writeString(root.resolve(longDir).resolve("c".repeat(format.equals("ustar") ? 10 : 120)), "padding ".repeat(100));
        Files.createDirectories(root.resolve("usr/local/bin"));
        byte[] envoy = new byte[70_000];
        new java.util.Random(7).nextBytes(envoy);
        Files.write(root.resolve("usr/local/bin/envoy"), envoy);
        Path tarball = dir.resolve(format + ".tar.gz");
        Toolchain.run(root, "tar", "--format=" + format, "-czf", tarball.toString(), "a" + "a".repeat(89), "usr");

        Path out = dir.resolve("envoy-" + format);
        TarGz.extract(tarball, SymbolArtifacts.TAR_ENTRY, out);
        assertThat(Files.readAllBytes(out)).isEqualTo(envoy);
        assertThatThrownBy(() -> TarGz.extract(tarball, "usr/local/bin/pilot-agent", dir.resolve("x")))
                .isInstanceOf(MeshdbgException.class).hasMessageEndingWith(" holds no usr/local/bin/pilot-agent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not gzip", ""})
    void notATarballIsOneLine(String content) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.tar.gz"), content);
        assertThatThrownBy(() -> TarGz.extract(bad, SymbolArtifacts.TAR_ENTRY, dir.resolve("x")))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("is not a readable .tar.gz");
    }
}
