package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdbg.errors.MeshdbgException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Version strings as the debuggers print them, and the index-cache decision that follows. */
class DebuggerVersionTest {
    @Test
    void readsDebianLldb14AndDistrustsItsIndexCache() {
        DebuggerVersion v = DebuggerVersion.parse(Debugger.LLDB, "lldb version 14.0.6\n");
        assertThat(v.major()).isEqualTo(14);
        assertThat(v.minor()).isZero();
        assertThat(v.patch()).isEqualTo(6);
        assertThat(install(v).indexCacheTrusted()).isFalse();
        assertThat(install(v).indexCacheAdvice()).contains("stays off").contains("lldb 15 or newer");
    }

    @Test
    void readsLldb15AndTrustsIt() {
        DebuggerVersion v = DebuggerVersion.parse(Debugger.LLDB, "lldb version 15.0.6");
        assertThat(v.major()).isEqualTo(15);
        assertThat(install(v).indexCacheTrusted()).isTrue();
    }

    @Test
    void readsLldb19WithARevisionSuffix() {
        DebuggerVersion v = DebuggerVersion.parse(Debugger.LLDB,
                "lldb version 19.1.7 (https://github.com/llvm/llvm-project.git revision cd708029e0b2869e80abe31ddb175f7c35361f90)\n"
                        + "  clang revision cd708029e0b2869e80abe31ddb175f7c35361f90\n");
        assertThat(v).extracting(DebuggerVersion::major, DebuggerVersion::minor, DebuggerVersion::patch, DebuggerVersion::apple)
                .containsExactly(19, 1, 7, false);
        assertThat(install(v).indexCacheTrusted()).isTrue();
        assertThat(v.toString()).isEqualTo("lldb 19.1.7");
    }

    @Test
    void readsAppleLldbByItsXcodeBuildNumber() {
        DebuggerVersion xcode15 = DebuggerVersion.parse(Debugger.LLDB,
                "lldb-1500.0.404.7\nApple Swift version 5.9.2 (swiftlang-5.9.2.2.56 clang-1500.1.0.2.5)\n");
        assertThat(xcode15.apple()).isTrue();
        assertThat(xcode15.major()).isEqualTo(16);
        assertThat(install(xcode15).indexCacheTrusted()).isTrue();

        DebuggerVersion xcode13 = DebuggerVersion.parse(Debugger.LLDB,
                "lldb-1300.0.42.3\nSwift version 5.5.2-dev\n");
        assertThat(xcode13.major()).isEqualTo(14);
        assertThat(install(xcode13).indexCacheTrusted()).isFalse();
        assertThat(DebuggerVersion.parse(Debugger.LLDB, "lldb-1403.0.17.67").major()).isEqualTo(15);
        assertThat(DebuggerVersion.parse(Debugger.LLDB, "lldb-1600.0.36.3\nApple Swift version 6.0").major()).isEqualTo(17);
    }

    @Test
    void readsGdbVersionsPastTheVendorParenthesis() {
        assertThat(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1\nCopyright (C) 2023 Free Software Foundation, Inc.\n"))
                .extracting(DebuggerVersion::major, DebuggerVersion::minor).containsExactly(13, 1);
        assertThat(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Ubuntu 12.1-0ubuntu1~22.04.2) 12.1").major()).isEqualTo(12);
        assertThat(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (GDB) Fedora Linux 14.1-1.fc39").major()).isEqualTo(14);
        assertThat(install(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (GDB) 14.2")).indexCacheTrusted()).isFalse();
    }

    @Test
    void gdbHasAnIndexCacheFrom8Point3AndTheAdviceSaysHowToStartFastTheFirstTime() {
        DebuggerInstall gdb13 = install(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (Debian 13.1-3) 13.1"));
        assertThat(gdb13.hasGdbIndexCache()).isTrue();
        assertThat(gdb13.indexCacheAdvice()).startsWith("gdb 13.1.0: gdb's index cache is on")
                .contains("meshdbg symbols index FILE");
        assertThat(install(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (GDB) 8.3")).hasGdbIndexCache()).isTrue();
        DebuggerInstall gdb82 = install(DebuggerVersion.parse(Debugger.GDB, "GNU gdb (GDB) 8.2.1"));
        assertThat(gdb82.hasGdbIndexCache()).isFalse();
        assertThat(gdb82.indexCacheAdvice()).contains("has no index cache").contains("gdb 8.3 or newer");
        assertThat(install(DebuggerVersion.parse(Debugger.LLDB, "lldb version 19.1.7")).hasGdbIndexCache()).isFalse();
    }

    @Test
    void refusesWhatIsNotADebuggerVersion() {
        assertThatThrownBy(() -> DebuggerVersion.parse(Debugger.LLDB, "clang version 14.0.6"))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("cannot read the lldb version from 'clang version 14.0.6'");
        assertThatThrownBy(() -> DebuggerVersion.parse(Debugger.GDB, "lldb version 19.1.7"))
                .isInstanceOf(MeshdbgException.class);
    }

    private static DebuggerInstall install(DebuggerVersion v) {
        return new DebuggerInstall(v.debugger(), Path.of("/usr/bin/" + v.debugger().command()), v);
    }
}
