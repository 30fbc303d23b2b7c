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
    void pullRunAndDebugWithTheImagesOwnAgentAndServer() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "needs root, containerd, ctr and runc");
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is not installed");
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

            // Whether an image carries the agent is read from its labels in the registry, not from its name.
            assertThat(AgentImages.requireAgent(ref, ImagePlatform.host(), Duration.ofSeconds(10)))
                    .isEqualTo("/opt/meshdbg/bin/meshdbg-agent");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentImages.requireAgent(base, ImagePlatform.host(),
                    Duration.ofSeconds(10))).hasMessageContaining("does not carry meshdbg's agent")
                    .hasMessageContaining("meshdbg image agent");

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

                assertThat(exec(containerd, id, "/opt/meshdbg/bin/gdbserver", "--version")).contains("GNU gdbserver");
                assertThat(exec(containerd, id, "/opt/meshdbg/bin/lldb-server", "version")).contains("lldb version");
                assertThat(exec(containerd, id, "/opt/meshdbg/lib/ld-linux-x86-64.so.2", "--library-path",
                        "/opt/meshdbg/lib:/opt/meshdbg/java/lib", "/opt/meshdbg/java/bin/java", "-version")).contains("openjdk version");
                String agent = exec(containerd, id, "/opt/meshdbg/bin/meshdbg-agent", "--help");
                assertThat(agent).doesNotContain("error while loading shared libraries").doesNotContain("Could not find or load main class");

                String buildId;
                try (dev.meshdbg.symbols.elf.ElfFile elf = dev.meshdbg.symbols.elf.ElfFile.open(envoy.binary())) {
                    buildId = elf.buildId().orElseThrow().hex();
                }
                debugOnce(containerd, id, envoy, proc, buildId);
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

    /**
     * The image's own agent, on the image's own Java runtime, inside the container; the guard
     * starts the image's gdbserver when gdb (here, with the local full binary) connects.
     */
    private void debugOnce(Containerd containerd, String id, EnvoyLike.Build envoy, EnvoyLikeProcess proc, String buildId)
            throws Exception {
        int port = Registry.freePort();
        List<String> command = containerd.ctr();
        command.addAll(List.of("task", "exec", "--exec-id", "agent", id, "/opt/meshdbg/bin/meshdbg-agent",
                "--name", "envoy", "--port", Integer.toString(port), "--symbols-build-id", buildId, "--idle-timeout", "2m"));
        Process agent = new ProcessBuilder(command).redirectError(tmp.resolve("agent.err").toFile()).start();
        java.io.BufferedReader events = new java.io.BufferedReader(
                new java.io.InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        AtomicBoolean done = new AtomicBoolean();
        dev.meshdbg.agent.guard.SessionForwarder forward = null;
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
            String ready = awaitEvent(events, "ready", agent);
            assertThat(ready).contains("\"server\":\"/opt/meshdbg/bin/gdbserver\"").contains(buildId);
            forward = dev.meshdbg.agent.guard.SessionForwarder.open(0,
                    dev.meshdbg.agent.guard.SessionKey.ofHex(PodConditionsTest.field(ready, "sessionKey")),
                    dev.meshdbg.agent.guard.SessionForwarder.tcp(new java.net.InetSocketAddress("127.0.0.1", port)), null);
            Process gdb = new ProcessBuilder("gdb", "-nx", "-batch",
                    "-ex", "file " + envoy.binary(),
                    "-ex", "target remote 127.0.0.1:" + forward.port(),
                    "-ex", "break envoy_like.cc:" + envoy.line("handler"),
                    "-ex", "continue",
                    "-ex", "delete",
                    "-ex", "detach")
                    .redirectErrorStream(true).start();
            poker.start();
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(gdb.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("Breakpoint 1, ").contains("envoy_like.cc:" + envoy.line("handler")).contains("detached");
            assertThat(awaitEvent(events, "detached", agent)).isNotEmpty();
        } finally {
            done.set(true);
            poker.join(5000);
            if (forward != null) {
                forward.close();
            }
            agentPids(id).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)); // SIGTERM: the agent ends cleanly
            agent.waitFor(20, TimeUnit.SECONDS);
            agent.destroyForcibly();
        }
    }

    private String awaitEvent(java.io.BufferedReader events, String name, Process agent) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line; (line = events.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("\"event\":\"" + name + "\"")) {
                return line;
            }
        }
        throw new IOException("the agent ended without '" + name + "': " + seen + Files.readString(tmp.resolve("agent.err")));
    }

    private static List<Long> agentPids(String containerId) {
        List<Long> pids = new ArrayList<>();
        for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
            try {
                String cgroup = Files.readString(Path.of("/proc/" + h.pid() + "/cgroup"));
                if (cgroup.contains(containerId) && h.info().arguments().map(a -> List.of(a).contains("dev.meshdbg.agent.AgentMain")).orElse(false)) {
                    pids.add(h.pid());
                }
            } catch (IOException gone) {
                // The process ended while we looked.
            }
        }
        return pids;
    }

    private static String exec(Containerd containerd, String id, String... command) {
        List<String> args = new ArrayList<>(List.of("task", "exec", "--exec-id", "x" + System.nanoTime(), id));
        args.addAll(List.of(command));
        return containerd.ctr(args.toArray(String[]::new));
    }



}
