package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding debuggers by the version they report, with the installed ones and with impostors. */
class DebuggersTest {
    @TempDir
    Path dir;

    @Test
    void findsTheInstalledLldbByVersionAndTrustsItsIndexCache() {
        Optional<DebuggerInstall> lldb = Debuggers.installed(Debugger.LLDB);
        assumeTrue(lldb.isPresent(), "no lldb installed (./setup.sh installs lldb-19)");
        DebuggerInstall install = lldb.get();
        assertThat(install.executable().getFileName().toString()).matches("lldb(-\\d+)?");
        assertThat(install.version().text()).isNotBlank();
        // This machine's lldb is 19 (Debian's lldb-19, no plain 'lldb'): found by version, and trusted.
        assumeTrue(install.version().major() >= 15, "installed lldb is older than 15: " + install.version());
        assertThat(install.indexCacheTrusted()).isTrue();
        assertThat(install.indexCacheAdvice()).contains("index cache is on");
    }

    @Test
    void findsTheInstalledGdb() {
        Optional<DebuggerInstall> gdb = Debuggers.installed(Debugger.GDB);
        assumeTrue(gdb.isPresent(), "no gdb installed (./setup.sh installs it)");
        assertThat(gdb.get().version().major()).isGreaterThanOrEqualTo(8);
        assertThat(gdb.get().indexCacheTrusted()).isFalse();
    }

    @Test
    void theNewestVersionWinsWhateverTheNames() throws Exception {
        Path old = Files.createDirectories(dir.resolve("old"));
        Path newer = Files.createDirectories(dir.resolve("newer"));
        fake(old.resolve("lldb"), "lldb version 14.0.6");
        fake(old.resolve("lldb-server"), "lldb-server version 20.0.0"); // not a debugger
        fake(newer.resolve("lldb-15"), "lldb version 15.0.7");
        fake(newer.resolve("lldb-dap-20"), "lldb-dap version 20.0.0"); // not a debugger

        DebuggerInstall found = Debuggers.installed(Debugger.LLDB, List.of(old, newer)).orElseThrow();
        assertThat(found.executable()).isEqualTo(newer.resolve("lldb-15"));
        assertThat(found.indexCacheTrusted()).isTrue();
    }

    @Test
    void anOldLldbAloneIsFoundButItsCacheStaysOffWithInstallAdvice() throws Exception {
        fake(dir.resolve("lldb"), "lldb version 14.0.6");
        fake(dir.resolve("lldb-13"), "not a version at all");

        DebuggerInstall found = Debuggers.installed(Debugger.LLDB, List.of(dir)).orElseThrow();
        assertThat(found.version().major()).isEqualTo(14);
        assertThat(found.indexCacheTrusted()).isFalse();
        assertThat(new ClientEnvironment(found, dir.resolve("cache")).indexCacheOn()).isFalse();
        if (Files.readString(Path.of("/etc/os-release")).contains("ID=debian")) {
            assertThat(found.indexCacheAdvice()).contains("apt-get install lldb-19");
        }
    }

    @Test
    void nothingFoundInAnEmptyDirectory() {
        assertThat(Debuggers.installed(Debugger.GDB, List.of(dir, dir.resolve("missing")))).isEmpty();
    }

    private static void fake(Path file, String version) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho '" + version + "'\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
