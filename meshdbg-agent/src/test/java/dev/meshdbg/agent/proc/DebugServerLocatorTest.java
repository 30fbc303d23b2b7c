package dev.meshdbg.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugServerLocatorTest {
    @TempDir
    Path dir;
    FakeProc proc;
    Path root;

    @BeforeEach
    void tree() throws Exception {
        proc = new FakeProc(dir.resolve("proc"), 100);
        proc.inPod(1002, 19, "/usr/local/bin/envoy", "pod-a", "a".repeat(64), 5000);
        // The container's filesystem, as /proc/1002/root shows it.
        root = dir.resolve("proc/1002/root");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.write(dir.resolve("proc/1002/environ"), "HOME=/\0PATH=/usr/local/bin:/usr/bin\0".getBytes());
    }

    Target envoy() {
        return proc.scanner().read(1002).orElseThrow();
    }

    @Test
    void entersTheTargetsNamespacesAndAttachesByInnerPid() throws Exception {
        Files.createFile(root.resolve("usr/bin/gdbserver"));
        var p = new DebugServerLocator(proc.scanner()).locate(envoy(), Debugger.GDB, Optional.empty());
        assertThat(p.commandPrefix()).containsExactly("nsenter", "-t", "1002", "-m", "-p", "-u", "--");
        assertThat(p.commandPrefix()).doesNotContain("-n");
        assertThat(p.binary()).isEqualTo("/usr/bin/gdbserver");
        assertThat(p.attachPid()).isEqualTo(19);
    }

    @Test
    void imageDirWinsAndVersionedLldbServerIsFound() throws Exception {
        Files.createFile(root.resolve("usr/bin/lldb-server-14"));
        Files.createFile(root.resolve("usr/bin/lldb-server-19"));
        var locator = new DebugServerLocator(proc.scanner());
        assertThat(locator.locate(envoy(), Debugger.LLDB, Optional.empty()).binary()).isEqualTo("/usr/bin/lldb-server-19");
        Files.createDirectories(root.resolve("opt/meshdbg/bin"));
        // An absolute symlink points into the target's root, not ours: its existence is enough.
        Files.createSymbolicLink(root.resolve("opt/meshdbg/bin/lldb-server"), Path.of("/opt/meshdbg/lib/lldb-server"));
        assertThat(locator.locate(envoy(), Debugger.LLDB, Optional.empty()).binary()).isEqualTo("/opt/meshdbg/bin/lldb-server");
    }

    @Test
    void withoutAServerInTheTargetOursAttachesByHostPidThroughProcRoot() throws Exception {
        Path own = Files.createDirectories(dir.resolve("own"));
        Files.createDirectories(own.resolve("opt/meshdbg/bin"));
        Files.createFile(own.resolve("opt/meshdbg/bin/gdbserver"));
        var p = new DebugServerLocator(proc.scanner(), own).locate(envoy(), Debugger.GDB, Optional.empty());
        assertThat(p.commandPrefix()).isEmpty();
        assertThat(p.binary()).isEqualTo("/opt/meshdbg/bin/gdbserver");
        assertThat(p.attachPid()).isEqualTo(1002);
        assertThat(p.hostPid()).isEqualTo(1002);
        assertThat(p.fileRoot()).isEqualTo("/proc/1002/root");
        assertThat(p.access()).isEqualTo("proc-root");
    }

    @Test
    void withoutNsenterOursAttachesEvenWhenTheTargetHasAServer() throws Exception {
        Files.createFile(root.resolve("usr/bin/gdbserver"));
        Path own = Files.createDirectories(dir.resolve("own/opt/meshdbg/bin"));
        Files.createFile(own.resolve("gdbserver"));
        var p = new DebugServerLocator(proc.scanner(), dir.resolve("own")).locate(envoy(), Debugger.GDB, Optional.empty());
        assertThat(p.commandPrefix()).isEmpty();
        assertThat(p.binary()).isEqualTo("/opt/meshdbg/bin/gdbserver");
        assertThat(p.attachPid()).isEqualTo(1002);
    }

    @Test
    void sharingThePidNamespaceNeverEntersAny() throws Exception {
        // An ephemeral container: the sidecar's PID namespace, a mount namespace of its own, no CAP_SYS_ADMIN.
        proc.add(7, "/usr/local/bin/envoy", "envoy", List.of("envoy"), "0::/kubepods/x\n", 7, 9001, FakeProc.HOST_PID, 9003);
        Files.createDirectories(dir.resolve("proc/7/root/usr/bin"));
        Files.createFile(dir.resolve("proc/7/root/usr/bin/gdbserver")); // the target's own is not used
        Path own = Files.createDirectories(dir.resolve("own/opt/meshdbg/bin"));
        Files.createFile(own.resolve("gdbserver"));
        var p = new DebugServerLocator(proc.scanner(), dir.resolve("own")).locate(proc.scanner().read(7).orElseThrow(),
                Debugger.GDB, Optional.empty());
        assertThat(p.commandPrefix()).isEmpty();
        assertThat(p.binary()).isEqualTo("/opt/meshdbg/bin/gdbserver");
        assertThat(p.attachPid()).isEqualTo(7);
        assertThat(p.fileRoot()).isEqualTo("/proc/7/root");
    }

    @Test
    void missingServerNamesWhereItLooked() throws Exception {
        Path own = Files.createDirectories(dir.resolve("own"));
        Path nsenter = Files.createFile(Files.createDirectories(own.resolve("usr/bin")).resolve("nsenter"));
        nsenter.toFile().setExecutable(true); // with nsenter, the target's own filesystem is searched first
        assertThatThrownBy(() -> new DebugServerLocator(proc.scanner(), own).locate(envoy(), Debugger.GDB, Optional.empty()))
                .hasMessageContaining("no gdbserver found for pid 1002")
                .hasMessageContaining(root.resolve("opt/meshdbg/bin/gdbserver").toString())
                .hasMessageContaining(root.resolve("usr/local/bin/gdbserver").toString())
                .hasMessageContaining("/opt/meshdbg/bin/gdbserver, ")
                .hasMessageContaining("--server");
        assertThatThrownBy(() -> new DebugServerLocator(proc.scanner(), own).locate(envoy(), Debugger.GDB, Optional.of("/dbg/gdbserver")))
                .hasMessageContaining("debug server /dbg/gdbserver not found").hasMessageContaining(root + "/dbg/gdbserver");
    }

    @Test
    void mixingDebuggerAndServerIsRefused() throws Exception {
        Files.createFile(root.resolve("usr/bin/gdbserver"));
        var locator = new DebugServerLocator(proc.scanner());
        assertThatThrownBy(() -> locator.locate(envoy(), Debugger.LLDB, Optional.of("/usr/bin/gdbserver")))
                .hasMessageContaining("lldb must not drive gdbserver");
        assertThatThrownBy(() -> locator.locate(envoy(), Debugger.GDB, Optional.of("/usr/bin/lldb-server-19")))
                .hasMessageContaining("gdb pairs with gdbserver");
    }

    @Test
    void aHostProcessNeedsNoNamespaceEntry() throws Exception {
        proc.host(300, "/opt/envoy/bin/envoy");
        Target host = proc.scanner().read(300).orElseThrow();
        // The host's own root is "/": use a server that exists on every machine running these tests.
        var p = new DebugServerLocator(proc.scanner()).locate(host, Debugger.GDB, Optional.of("/bin/sh"));
        assertThat(p.commandPrefix()).isEqualTo(List.of());
        assertThat(p.attachPid()).isEqualTo(300);
        assertThat(p.inTargetNamespaces()).isFalse();
    }
}
