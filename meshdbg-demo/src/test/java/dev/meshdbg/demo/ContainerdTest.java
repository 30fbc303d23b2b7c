package dev.meshdbg.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerdTest {
    @TempDir
    Path dir;

    @Test
    void runsEnvoyLikeWithADebugServerInAPrivateContainerdAndCleansUp() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "SKIPPED: needs root with containerd, ctr and runc on PATH");
        EnvoyLike.Build build = EnvoyLike.build(dir.resolve("build"), EnvoyLike.Compiler.GCC, true);
        Rootfs rootfs = Rootfs.create(dir.resolve("rootfs"))
                .add(build.binary(), "/envoy-like")
                .addProgram(Path.of("/usr/bin/gdbserver"));
        assertThat(rootfs.dir().resolve("usr/bin/gdbserver")).exists();
        assertThat(Files.list(rootfs.dir().resolve("lib64")).toList()).isNotEmpty(); // the loader

        String id = Containerd.newContainerId();
        long pid;
        try (Containerd containerd = Containerd.start(dir.resolve("containerd"));
             EnvoyLikeProcess envoy = EnvoyLikeProcess.start(containerd.runCommand(id, rootfs.dir(), ""), Path.of("/envoy-like"))) {
            pid = containerd.taskPid(id, Duration.ofSeconds(10));
            assertThat(envoy.serves(Duration.ofSeconds(5))).isTrue();
            assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup"))).contains("/" + Containerd.NAMESPACE + "/" + id);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")))
                    .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
            // The debug server and its libraries run inside the container's filesystem.
            String version = containerd.ctr("task", "exec", "--exec-id", "v", id, "/usr/bin/gdbserver", "--version");
            assertThat(version).contains("GNU gdbserver");
            assertThat(containerd.ctr("container", "ls", "--quiet")).contains(id);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(dir.toString()));
        assertThat(ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(dir.toString())).toList()).isEqualTo(List.of());
    }
}
