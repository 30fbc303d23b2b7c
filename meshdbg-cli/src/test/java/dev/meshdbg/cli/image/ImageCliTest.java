package dev.meshdbg.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.Registry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a person runs them: a separate process, its output and its exit code. */
class ImageCliTest {
    @TempDir
    static Path tmp;
    static Registry registry;
    static Path baseTar;
    static Path envoy;
    static Path agentJar;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        registry = Registry.start(tmp.resolve("registry"));
        baseTar = tmp.resolve("base.tar");
        Jib.fromScratch()
                .addFileEntriesLayer(FileEntriesLayer.builder()
                        .addEntry(Path.of("/bin/busybox").toRealPath(), AbsoluteUnixPath.get("/bin/sh"), FilePermissions.fromOctalString("755"))
                        .build())
                .setEntrypoint("/bin/sh")
                .containerize(Containerizer.to(TarImage.at(baseTar).named("test/base:1"))
                        .setBaseImageLayersCache(tmp.resolve("jib/base")).setApplicationLayersCache(tmp.resolve("jib/app")));
        envoy = EnvoyLike.build(tmp.resolve("envoy"), EnvoyLike.Compiler.GCC, false).binary();
        // An agent jar of our own: this test is about the command, not the agent's classes.
        agentJar = tmp.resolve("agent.jar");
        new JarOutputStream(Files.newOutputStream(agentJar)).close();
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void buildPushesAndPrintsTheNextCommand() throws Exception {
        Run r = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString(),
                "--to", registry.host() + "/envoy-debug:cli", "--insecure", "--debugger", "gdb",
                "--agent-jar", agentJar.toString(), "--cache", tmp.resolve("cache").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("pushed " + registry.host() + "/envoy-debug:cli (sha256:")
                .contains("next: meshdbg sidecar set-image WORKLOAD --image " + registry.host() + "/envoy-debug@sha256:");
        assertThat(r.err()).as("quiet when not on a terminal").isEmpty();

        Run again = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString(),
                "--to", registry.host() + "/envoy-debug:cli", "--insecure", "--debugger", "gdb",
                "--agent-jar", agentJar.toString(), "--cache", tmp.resolve("cache").toString(), "-o", "json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("\"blobsUploaded\" : 0").contains("\"bytesUploaded\" : 0");
    }

    @Test
    void plainHttpRegistryWithoutInsecureIsBadInput() throws Exception {
        Run r = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString(),
                "--to", registry.host() + "/refused:1", "--debugger", "gdb",
                "--agent-jar", agentJar.toString(), "--cache", tmp.resolve("cache").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("meshdbg: ").contains("--insecure");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void badArgumentsExitTwoWithOneLine() throws Exception {
        Run noTarget = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString());
        assertThat(noTarget.exit()).isEqualTo(2);
        assertThat(noTarget.err()).contains("--to REF").contains("--tar FILE");

        Run debugger = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString(),
                "--tar", tmp.resolve("x.tar").toString(), "--debugger", "windbg");
        assertThat(debugger.exit()).isEqualTo(2);
        assertThat(debugger.err()).isEqualTo("meshdbg: unknown debugger 'windbg': use gdb, lldb or both\n");

        Run platform = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", envoy.toString(),
                "--tar", tmp.resolve("x.tar").toString(), "--platform", "linux/s390x");
        assertThat(platform.exit()).isEqualTo(2);
        assertThat(platform.err()).contains("use linux/amd64 or linux/arm64");

        Run notElf = meshdbg("image", "build", "--from-tar", baseTar.toString(), "--envoy", baseTar.toString(),
                "--tar", tmp.resolve("x.tar").toString());
        assertThat(notElf.exit()).isEqualTo(2);
        assertThat(notElf.err()).startsWith("meshdbg: ").contains("base.tar");
        assertThat(tmp.resolve("x.tar")).doesNotExist();
    }

    @Test
    void doctorRegistry() throws Exception {
        Run r = meshdbg("doctor", "registry", registry.host() + "/envoy-debug:cli");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("speaks plain HTTP only")
                .contains("registry.mirrors.\"" + registry.host() + "\"")
                .contains("/etc/containerd/certs.d/" + registry.host() + "/hosts.toml")
                .contains("crictl pull " + registry.host());

        Run json = meshdbg("doctor", "registry", registry.host(), "-o", "json");
        assertThat(json.out()).contains("\"mode\" : \"http\"");

        Run down = meshdbg("doctor", "registry", "127.0.0.1:" + Registry.freePort());
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.out()).contains("does not answer");
    }

    private static Run meshdbg(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.meshdbg.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(tmp.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(tmp.resolve("err.txt")));
    }
}
