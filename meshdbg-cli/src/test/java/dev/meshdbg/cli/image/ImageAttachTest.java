package dev.meshdbg.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import dev.meshdbg.demo.Containerd;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.demo.Registry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of the issue: {@code meshdbg image build} pushes to a real registry, a real
 * containerd pulls and runs it, and {@code meshdbg attach --local --container ID} debugs the
 * Envoy inside with the image's own gdbserver (stripped Envoy in the image, full binary here).
 */
class ImageAttachTest {
    @TempDir
    Path tmp;

    @Test
    void buildPullRunAttach() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "needs root, containerd, ctr and runc");
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is not installed");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        EnvoyLike.Build envoy = EnvoyLike.build(tmp.resolve("envoy"), EnvoyLike.Compiler.GCC, true);
        Path ctrdDir = Files.createTempDirectory("ctrd"); // short: containerd's socket path has a length limit
        try (Registry registry = Registry.start(tmp.resolve("registry")); Containerd containerd = Containerd.start(ctrdDir)) {
            String base = registry.host() + "/test/base:1";
            Jib.fromScratch()
                    .addFileEntriesLayer(FileEntriesLayer.builder()
                            .addEntry(Path.of("/bin/busybox").toRealPath(), AbsoluteUnixPath.get("/bin/sh"), FilePermissions.fromOctalString("755"))
                            .build())
                    .setEntrypoint("/bin/sh", "-c").setUser("1337:1337")
                    .containerize(Containerizer.to(RegistryImage.named(base)).setAllowInsecureRegistries(true)
                            .setBaseImageLayersCache(tmp.resolve("jib/base")).setApplicationLayersCache(tmp.resolve("jib/app")));
            String ref = registry.host() + "/envoy-debug:attach";
            Process build = cli("image", "build", "--from", base, "--envoy", envoy.binary().toString(), "--to", ref,
                    "--insecure", "--strip-debug", "--debugger", "gdb", "--cache", tmp.resolve("cache").toString());
            String built = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(build.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(build.exitValue()).as(built).isZero();

            containerd.ctr("image", "pull", "--plain-http", ref);
            String id = Containerd.newContainerId();
            List<String> run = containerd.ctr();
            run.addAll(List.of("run", "--rm", "--net-host", ref, id));
            try (EnvoyLikeProcess proc = EnvoyLikeProcess.start(run, Path.of("/usr/local/bin/envoy"))) {
                assertThat(proc.serves(Duration.ofSeconds(5))).isTrue();
                Process attach = cli("attach", "--local", "--container", id.substring(0, 12),
                        "--symbols", envoy.binary().toString(), "--debugger", "gdb", "--out", tmp.resolve("configs").toString(),
                        "-o", "json");
                try {
                    BufferedReader events = new BufferedReader(new InputStreamReader(attach.getInputStream(), StandardCharsets.UTF_8));
                    String ready = await(events, "ready");
                    assertThat(ready).contains("\"server\":\"/opt/meshdbg/bin/gdbserver\"");
                    int port = Integer.parseInt(ready.replaceAll(".*\"port\":(\\d+).*", "$1"));
                    String gdb = breakOnce(envoy, proc, port);
                    assertThat(gdb).contains("Breakpoint 1, ").contains("envoy_like.cc:" + envoy.line("handler")).contains("detached");
                    new ProcessBuilder("kill", "-INT", Long.toString(attach.pid())).start().waitFor();
                    assertThat(attach.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(attach.exitValue()).isZero();
                } finally {
                    attach.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                    attach.destroyForcibly();
                }
                assertThat(proc.isAlive()).isTrue();
                assertThat(proc.serves(Duration.ofSeconds(5))).as("envoy serves after the session").isTrue();
            }
        } finally {
            try (Stream<Path> all = Files.walk(ctrdDir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String breakOnce(EnvoyLike.Build envoy, EnvoyLikeProcess proc, int port) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread poker = new Thread(() -> {
            while (!done.get()) {
                try {
                    proc.get("/poke", Duration.ofMillis(500));
                } catch (IOException stopped) {
                    // Expected while the breakpoint holds the process.
                }
            }
        });
        try {
            Process gdb = new ProcessBuilder("gdb", "-nx", "-batch", "-ex", "file " + envoy.binary(),
                    "-ex", "target remote 127.0.0.1:" + port, "-ex", "break envoy_like.cc:" + envoy.line("handler"),
                    "-ex", "continue", "-ex", "delete", "-ex", "detach").redirectErrorStream(true).start();
            poker.start();
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(gdb.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            done.set(true);
            poker.join(5000);
        }
    }

    private static String await(BufferedReader events, String name) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line; (line = events.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("\"event\":\"" + name + "\"")) {
                return line;
            }
        }
        throw new IOException("attach ended without '" + name + "': " + seen);
    }

    private Process cli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(tmp.resolve("cli-" + args[0] + ".err").toFile()).start();
    }
}
