package dev.meshdbg.symbols.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.Toolchain;
import dev.meshdbg.symbols.elf.ElfFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching release symbols from a real HTTP server on 127.0.0.1 laid out as Istio's bucket, and from a directory. */
class SymbolFetcherTest {
    static final String SHA = "8df7c693c8d6d0679dd72e0130f34a0ee91c210b";

    @TempDir
    static Path shared;
    static Path bucketDir;
    static Path program;

    @TempDir
    Path cacheDir;

    /** A real program carrying the revision as Envoy does, published as tarball, .dwp and checksums. */
    @BeforeAll
    static void publish() throws IOException {
        Toolchain.require("g++");
        Toolchain.require("tar");
        Path src = shared.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("main.cc"), "extern const char build_scm_revision[];\n"
                + "const char build_scm_revision[] = \"" + SHA + "\";\n"
                + "int main() { return build_scm_revision[0] == 'x'; }\n");
        program = Toolchain.compile(src, "g++", List.of("-O2", "-g"), List.of("main.cc"), "envoy");
        Path root = shared.resolve("root/usr/local/bin");
        Files.createDirectories(root);
        Files.copy(program, root.resolve("envoy"));
        bucketDir = shared.resolve("bucket");
        Files.createDirectories(bucketDir);
        Path tarball = bucketDir.resolve("envoy-symbol-" + SHA + ".tar.gz");
        // ./usr/... as some tar invocations write it: the reader must not care
        Toolchain.run(shared.resolve("root"), "tar", "-czf", tarball.toString(), "./usr/local/bin/envoy");
        Path dwp = Files.writeString(bucketDir.resolve("envoy-symbol-" + SHA + ".dwp"), "a split-DWARF package\n".repeat(5000));
        Files.writeString(bucketDir.resolve("envoy-symbol-" + SHA + ".sha256"), SymbolFetcher.sha256(tarball) + "  /home/x/" + tarball.getFileName());
        Files.writeString(bucketDir.resolve("envoy-symbol-" + SHA + ".dwp.sha256"), SymbolFetcher.sha256(dwp) + "  " + dwp.getFileName());
    }

    FoundSha found() {
        return new FoundSha(new ProxySha(SHA), "--proxy-sha");
    }

    static final class Recorder implements FetchListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void started(String location, long offset, long total) {
            seen.add("started " + location.substring(location.lastIndexOf('/') + 1) + " at " + offset + " of " + total);
        }

        @Override
        public void finished(String location, long bytes, boolean verified) {
            seen.add("finished " + location.substring(location.lastIndexOf('/') + 1) + (verified ? " verified" : ""));
        }
    }

    @Test
    void fetchesBinaryAndDwpSideBySideVerifiedAndThenFromTheCache() throws Exception {
        try (Bucket bucket = new Bucket(bucketDir)) {
            Recorder events = new Recorder();
            SymbolCache cache = new SymbolCache(cacheDir);
            FetchedSymbols f = new SymbolFetcher(new HttpSymbolSource(bucket.base() + "/"), cache, events).fetch(found(), "amd64");
            assertThat(f.cached()).isFalse();
            assertThat(f.binary()).isEqualTo(cacheDir.resolve(SHA).resolve("envoy"));
            assertThat(f.dwp()).contains(cacheDir.resolve(SHA).resolve("envoy.dwp"));
            assertThat(Files.mismatch(f.binary(), program)).isEqualTo(-1);
            assertThat(Files.isExecutable(f.binary())).isTrue();
            assertThat(Files.readString(f.dwp().orElseThrow())).startsWith("a split-DWARF package");
            assertThat(f.source()).isEqualTo(bucket.base() + "/envoy-symbol-" + SHA + ".tar.gz");
            assertThat(events.seen).contains("finished envoy-symbol-" + SHA + ".tar.gz verified",
                    "finished envoy-symbol-" + SHA + ".dwp verified");
            try (var files = Files.list(cacheDir.resolve(SHA))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("envoy", "envoy.dwp");
            }
            // The SHA in the binary is what the version-string lookup finds.
            try (ElfFile elf = ElfFile.open(f.binary())) {
                assertThat(VersionString.revision(elf)).contains(new ProxySha(SHA));
            }

            int before = bucket.requests.size();
            FetchedSymbols again = new SymbolFetcher(new HttpSymbolSource(bucket.base()), cache, FetchListener.NONE).fetch(found(), "amd64");
            assertThat(again.cached()).isTrue();
            assertThat(again.binary()).isEqualTo(f.binary());
            assertThat(bucket.requests).hasSize(before);
        }
    }

    @Test
    void aDownloadCutShortIsResumedWithARangeRequest() throws Exception {
        try (Bucket bucket = new Bucket(bucketDir)) {
            String tarball = "envoy-symbol-" + SHA + ".tar.gz";
            bucket.cutOnce.add(tarball);
            Recorder events = new Recorder();
            FetchedSymbols f = new SymbolFetcher(new HttpSymbolSource(bucket.base()), new SymbolCache(cacheDir), events)
                    .fetch(found(), "amd64");
            assertThat(Files.mismatch(f.binary(), program)).isEqualTo(-1);
            long size = Files.size(bucketDir.resolve(tarball));
            assertThat(bucket.requests).contains(tarball, tarball + " bytes=" + size / 2 + "-");
            assertThat(events.seen).contains("started " + tarball + " at " + size / 2 + " of " + size,
                    "finished " + tarball + " verified");
        }
    }

    @Test
    void aPartLeftByAnEarlierRunIsResumed() throws Exception {
        try (Bucket bucket = new Bucket(bucketDir)) {
            String tarball = "envoy-symbol-" + SHA + ".tar.gz";
            byte[] all = Files.readAllBytes(bucketDir.resolve(tarball));
            Path dir = cacheDir.resolve(SHA);
            Files.createDirectories(dir);
            Files.write(dir.resolve(tarball + ".part"), java.util.Arrays.copyOf(all, 100));
            FetchedSymbols f = new SymbolFetcher(new HttpSymbolSource(bucket.base()), new SymbolCache(cacheDir), FetchListener.NONE)
                    .fetch(found(), "amd64");
            assertThat(Files.mismatch(f.binary(), program)).isEqualTo(-1);
            assertThat(bucket.requests).contains(tarball + " bytes=100-").doesNotContain(tarball);
        }
    }

    @Test
    void unknownShaIsRefusedNamingTheUrlAndTheWayByHand() throws Exception {
        try (Bucket bucket = new Bucket(bucketDir)) {
            String other = "0000000000000000000000000000000000000001";
            assertThatThrownBy(() -> new SymbolFetcher(new HttpSymbolSource(bucket.base()), new SymbolCache(cacheDir), FetchListener.NONE)
                    .fetch(new FoundSha(new ProxySha(other), "ISTIO_META_ISTIO_PROXY_SHA of pid 7"), "amd64"))
                    .isInstanceOf(MeshdbgException.class)
                    .hasMessage("no Envoy symbols for istio/proxy " + other + " (from ISTIO_META_ISTIO_PROXY_SHA of pid 7): "
                            + bucket.base() + "/envoy-symbol-" + other + ".tar.gz does not exist; " + SymbolFetcher.BY_HAND)
                    .satisfies(e -> assertThat(((MeshdbgException) e).exitCode()).isEqualTo(2));
            assertThat(cacheDir.resolve(other)).doesNotExist();
        }
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsCached() throws Exception {
        Path bad = cacheDir.resolve("bad-bucket");
        Files.createDirectories(bad);
        try (var files = Files.list(bucketDir)) {
            for (Path p : files.toList()) {
                Files.copy(p, bad.resolve(p.getFileName()));
            }
        }
        Files.writeString(bad.resolve("envoy-symbol-" + SHA + ".sha256"), "ab".repeat(32) + "  envoy-symbol-" + SHA + ".tar.gz\n");
        Path cache = cacheDir.resolve("cache");
        try (Bucket bucket = new Bucket(bad)) {
            assertThatThrownBy(() -> new SymbolFetcher(new HttpSymbolSource(bucket.base()), new SymbolCache(cache), FetchListener.NONE)
                    .fetch(found(), "amd64"))
                    .isInstanceOf(MeshdbgException.class)
                    .hasMessageContaining("envoy-symbol-" + SHA + ".tar.gz has sha256 ")
                    .hasMessageContaining("its checksum file says " + "ab".repeat(32) + "; nothing was cached");
        }
        try (var left = Files.list(cache.resolve(SHA))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void noServerIsRefusedWithTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String base = "http://127.0.0.1:" + port + "/proxy";
        assertThatThrownBy(() -> new SymbolFetcher(new HttpSymbolSource(base), new SymbolCache(cacheDir), FetchListener.NONE)
                .fetch(found(), "amd64"))
                .isInstanceOf(MeshdbgException.class)
                .hasMessageStartingWith("cannot fetch " + base + "/envoy-symbol-" + SHA)
                .hasMessageContaining("Connect")
                .hasMessageEndingWith(SymbolFetcher.BY_HAND);
    }

    @Test
    void aDirectoryOfCopiesServesTheSameLayout() {
        FetchedSymbols f = new SymbolFetcher(new DirSymbolSource(bucketDir), new SymbolCache(cacheDir), FetchListener.NONE)
                .fetch(found(), "amd64");
        assertThat(f.source()).isEqualTo(bucketDir.resolve("envoy-symbol-" + SHA + ".tar.gz").toString());
        assertThat(f.dwp()).isPresent();
        assertThat(Files.exists(bucketDir.resolve("envoy-symbol-" + SHA + ".tar.gz"))).as("the copy stays").isTrue();
        assertThatThrownBy(() -> new DirSymbolSource(cacheDir.resolve("missing"))).hasMessageContaining("is not a directory");
    }

    @Test
    void shaForms() {
        assertThat(ProxySha.tryParse("istio-proxy:" + SHA)).contains(new ProxySha(SHA));
        assertThat(ProxySha.tryParse(SHA.toUpperCase())).contains(new ProxySha(SHA));
        assertThat(ProxySha.tryParse(SHA + "/1.31.0-dev/Clean/RELEASE/BoringSSL")).contains(new ProxySha(SHA));
        assertThat(ProxySha.tryParse("1.24.2")).isEmpty();
        assertThatThrownBy(() -> ProxySha.parse("abc")).hasMessageContaining("--proxy-sha abc is not an istio/proxy commit");
        assertThat(new SymbolArtifacts(new ProxySha(SHA), "arm64").tarball()).isEqualTo("envoy-symbol-" + SHA + "-arm64.tar.gz");
        assertThat(SymbolCache.user(java.util.Map.of(), Path.of("/home/u")).root()).isEqualTo(Path.of("/home/u/.cache/meshdbg/symbols"));
        assertThat(SymbolCache.user(java.util.Map.of("XDG_CACHE_HOME", "/c"), Path.of("/home/u")).root()).isEqualTo(Path.of("/c/meshdbg/symbols"));
    }

    @Test
    void environOfAProcessGivesTheSha() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            p.getOutputStream().close();
            List<String> tried = new ArrayList<>();
            assertThat(new LocalShaLookup(Path.of("/proc"), p.pid()).find(tried)).isEmpty();
            assertThat(tried).hasSize(2);
        } finally {
            p.destroyForcibly().waitFor();
        }
        ProcessBuilder withEnv = new ProcessBuilder("sleep", "30");
        withEnv.environment().put(LocalShaLookup.ENV, "istio-proxy:" + SHA);
        Process q = withEnv.start();
        try {
            Optional<FoundSha> f = new LocalShaLookup(Path.of("/proc"), q.pid()).find(new ArrayList<>());
            assertThat(f).contains(new FoundSha(new ProxySha(SHA), LocalShaLookup.ENV + " of pid " + q.pid()));
        } finally {
            q.destroyForcibly().waitFor();
        }
    }
}
