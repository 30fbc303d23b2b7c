package dev.meshdbg.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.demo.Containerd;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.demo.Registry;
import dev.meshdbg.image.registry.ContainerdRegistryConfig;
import dev.meshdbg.image.registry.RegistryProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image as a node sees it: pulled by a real containerd from the registry (through the
 * hosts.toml that {@code doctor registry} prints), run, and debugged with the image's own
 * gdbserver. The base has no libc at all, so everything meshdbg added must bring its own.
 */
class ImageInContainerdTest {
    @TempDir
    Path tmp;

    @Test
    void pullRunAndDebugWithTheImagesOwnServer() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "needs root, containerd, ctr and runc");
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is not installed");
        Assumptions.assumeTrue(Tests.agentOnClasspath(), "dev.meshdbg.agent.AgentMain is not built yet");
        EnvoyLike.Build envoy = EnvoyLike.build(tmp.resolve("envoy"), EnvoyLike.Compiler.GCC, true);
        // containerd's socket path must stay short: its own temp dir directly under /tmp.
        Path ctrdDir = Files.createTempDirectory("ctrd");
        try (Registry registry = Registry.start(tmp.resolve("registry"));
             Containerd containerd = Containerd.start(ctrdDir)) {
            String base = registry.host() + "/test/base:1";
            TestBase.push(base, tmp.resolve("base-cache"));
            String ref = registry.host() + "/envoy-debug:e2e";
            new ImageBuilder(BuildListener.NONE).build(ImageSpec.builder()
                    .base(new ImageSource.Registry(base)).target(new ImageSource.Registry(ref))
                    .envoy(envoy.binary()).insecure(true).stripDebug(true).cacheDir(tmp.resolve("cache")).build());

            // Pull through the hosts.toml form the doctor prints, then as the seed does.
            ContainerdRegistryConfig config = ContainerdRegistryConfig.forRegistry(registry.host(), RegistryProbe.Mode.HTTP);
            Path hostsDir = tmp.resolve("certs.d");
            Files.createDirectories(hostsDir.resolve(registry.host()));
            Files.writeString(hostsDir.resolve(registry.host()).resolve("hosts.toml"), config.hostsToml());
            containerd.ctr("image", "pull", "--hosts-dir", hostsDir.toString(), ref);
            containerd.ctr("image", "pull", "--plain-http", ref);

            String id = "envoy-" + Containerd.newContainerId().substring(0, 12);
            List<String> run = containerd.ctr();
            run.addAll(List.of("run", "--rm", "--net-host", ref, id));
            try (EnvoyLikeProcess proc = EnvoyLikeProcess.start(run, Path.of("/usr/local/bin/envoy"))) {
                assertThat(proc.serves(Duration.ofSeconds(5))).isTrue();
                long hostPid = envoyPid(id);

                assertThat(exec(containerd, id, "/opt/meshdbg/bin/gdbserver", "--version")).contains("GNU gdbserver");
                assertThat(exec(containerd, id, "/opt/meshdbg/bin/lldb-server", "version")).contains("lldb version");
                assertThat(exec(containerd, id, "/opt/meshdbg/lib/ld-linux-x86-64.so.2", "--library-path",
                        "/opt/meshdbg/lib:/opt/meshdbg/java/lib", "/opt/meshdbg/java/bin/java", "-version")).contains("openjdk version");
                String agent = exec(containerd, id, "/opt/meshdbg/bin/meshdbg-agent", "--help");
                assertThat(agent).doesNotContain("error while loading shared libraries").doesNotContain("Could not find or load main class");

                debugOnce(envoy, proc, hostPid);
                assertThat(proc.isAlive()).isTrue();
                assertThat(proc.serves(Duration.ofSeconds(5))).as("envoy serves after the debugger detached").isTrue();
            }
        } finally {
            deleteTree(ctrdDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** gdbserver from the image, in the container's namespaces; gdb here with the local full binary. */
    private void debugOnce(EnvoyLike.Build envoy, EnvoyLikeProcess proc, long hostPid) throws Exception {
        int port = Registry.freePort();
        long innerPid = innerPid(hostPid);
        Process server = new ProcessBuilder("nsenter", "-t", Long.toString(hostPid), "-m", "-p", "-u", "--",
                "/opt/meshdbg/bin/gdbserver", "--once", "--attach", "127.0.0.1:" + port, Long.toString(innerPid))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("gdbserver.log").toFile()).start();
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
            waitForListen(port, server);
            Process gdb = new ProcessBuilder("gdb", "-nx", "-batch",
                    "-ex", "set sysroot /proc/" + hostPid + "/root",
                    "-ex", "file " + envoy.binary(),
                    "-ex", "target remote 127.0.0.1:" + port,
                    "-ex", "break envoy_like.cc:" + envoy.line("handler"),
                    "-ex", "continue",
                    "-ex", "delete",
                    "-ex", "detach")
                    .redirectErrorStream(true).start();
            poker.start();
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(gdb.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("Breakpoint 1, ").contains("envoy_like.cc:" + envoy.line("handler"))
                    .contains("detached]");
        } finally {
            done.set(true);
            poker.join(5000);
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String exec(Containerd containerd, String id, String... command) {
        List<String> args = new ArrayList<>(List.of("task", "exec", "--exec-id", "x" + System.nanoTime(), id));
        args.addAll(List.of(command));
        return containerd.ctr(args.toArray(String[]::new));
    }

    private static long envoyPid(String containerId) throws IOException {
        for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
            try {
                String cgroup = Files.readString(Path.of("/proc/" + h.pid() + "/cgroup"));
                if (cgroup.contains(containerId) && h.info().command().orElse("").endsWith("/usr/local/bin/envoy")) {
                    return h.pid();
                }
            } catch (IOException gone) {
                // The process ended while we looked.
            }
        }
        throw new IOException("no envoy process in container " + containerId);
    }

    private static long innerPid(long hostPid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + hostPid + "/status"))) {
            if (line.startsWith("NSpid:")) {
                String[] pids = line.substring(6).strip().split("\\s+");
                return Long.parseLong(pids[pids.length - 1]);
            }
        }
        throw new IOException("no NSpid for " + hostPid);
    }

    private void waitForListen(int port, Process server) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (!server.isAlive()) {
                throw new IOException("gdbserver exited: " + Files.readString(tmp.resolve("gdbserver.log")));
            }
            if (Files.readString(tmp.resolve("gdbserver.log")).contains("Listening on port")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("gdbserver did not listen: " + Files.readString(tmp.resolve("gdbserver.log")));
    }
}
