package dev.meshdbg.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.demo.Containerd;
import dev.meshdbg.demo.EnvoyLikeRelease;
import dev.meshdbg.demo.Rootfs;
import dev.meshdbg.symbols.fetch.Bucket;
import dev.meshdbg.symbols.fetch.FetchListener;
import dev.meshdbg.symbols.fetch.FetchedSymbols;
import dev.meshdbg.symbols.fetch.FoundSha;
import dev.meshdbg.symbols.fetch.HttpSymbolSource;
import dev.meshdbg.symbols.fetch.LocalShaLookup;
import dev.meshdbg.symbols.fetch.SymbolCache;
import dev.meshdbg.symbols.fetch.SymbolFetcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The sidecar that runs now, debugged as it is: a stock sidecar (Istio's release build, a stripped
 * separate link, no meshdbg file, its proxy SHA in its environment) in an istio-proxy-shaped
 * container; the agent from the agent-only image beside it in an ephemeral container's
 * conditions; the release symbols found by the SHA and fetched from a bucket on 127.0.0.1, proven
 * by code; lldb through the guard. No image swap and no restart: Envoy's start time is the same
 * before and after the session.
 */
class StockSidecarTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void releaseSymbolsByTheProxyShaOnAStockSidecar() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "SKIPPED: needs root, containerd, ctr and runc");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clang++-14")) && Files.isExecutable(Path.of("/usr/bin/lldb-19")),
                "SKIPPED: needs clang++-14 and lldb-19");
        PodConditionsTest.setUp();
        Path dir = PodConditionsTest.dir;
        try {
            EnvoyLikeRelease.Build release = EnvoyLikeRelease.build(dir.resolve("release"), SHA);
            EnvoyLikeRelease.publish(release, dir.resolve("bucket"));
            // The stock image's Envoy: the stripped separate link, under the stand-in's name.
            Rootfs.create(PodConditionsTest.rootfs.dir()).addProgram(release.stripped());
            Files.copy(release.stripped(), PodConditionsTest.rootfs.dir().resolve("usr/local/bin/envoy-like"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (Bucket bucket = new Bucket(dir.resolve("bucket"));
                 PodConditionsTest.Pod pod = PodConditionsTest.Pod.start(List.of(LocalShaLookup.ENV + "=" + SHA))) {
                String started = startTime(pod.envoyPid);
                FoundSha found = new LocalShaLookup(Path.of("/proc"), pod.envoyPid).find(new ArrayList<>()).orElseThrow();
                assertThat(found.sha().toString()).contains(SHA);
                FetchedSymbols symbols = new SymbolFetcher(new HttpSymbolSource(bucket.base()),
                        new SymbolCache(dir.resolve("cache")), new FetchListener() { }).fetch(found, "amd64");
                assertThat(symbols.dwp()).isPresent();
                assertThat(symbols.dwp().get().getFileName().toString()).isEqualTo("envoy.dwp");

                SymbolsCheck.Expected expected = SymbolsCheck.Expected.of(symbols.binary());
                List<String> proof = new ArrayList<>();
                expected.buildId().ifPresent(id -> proof.addAll(List.of("--symbols-build-id", id.hex())));
                expected.codeHash().ifPresent(h -> proof.addAll(List.of("--symbols-code-hash", h)));
                try (PodConditionsTest.Agent agent = PodConditionsTest.Agent.start(pod, "lldb", false, proof)) {
                    String verified = agent.ready;
                    assertThat(verified).contains("\"namespaces\":\"proc-root\"");
                    int port = agent.forward();
                    Process lldb = new ProcessBuilder("lldb-19", "--no-lldbinit", "-b",
                            "-o", "target create " + symbols.binary(), "-o", "gdb-remote 127.0.0.1:" + port,
                            "-o", "breakpoint set --name envoy_like::handle_request", "-o", "continue",
                            "-o", "bt 4", "-o", "detach").redirectErrorStream(true).start();
                    lldb.getOutputStream().close();
                    Thread poker = PodConditionsTest.Debugger.poke(pod, lldb);
                    String out = new String(lldb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(lldb.waitFor(120, TimeUnit.SECONDS)).isTrue();
                    poker.join(10_000);
                    assertThat(out).contains("stop reason = breakpoint 1.1").contains("envoy_like::handle_request")
                            .contains("envoy_like.cc:");
                    pod.assertServesFor(java.time.Duration.ofSeconds(3));
                }
                assertThat(startTime(pod.envoyPid)).as("the same Envoy: no restart").isEqualTo(started);
            }
        } finally {
            PodConditionsTest.tearDown();
        }
    }

    private static String startTime(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    }
}
