package dev.meshdbg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdbg.errors.MeshdbgException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Running the real debuggers in the foreground with a command file, and handing back their exit code. */
class DebuggerLauncherTest {
    @TempDir
    Path dir;

    @Test
    void runsGdbWithTheCommandFileAndReturnsItsExitCode() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.GDB).isPresent(), "gdb is not installed");
        DebuggerInstall gdb = Debuggers.find(Debugger.GDB);
        Path file = Files.writeString(dir.resolve("s.gdb"), "quit 3\n");
        assertThat(DebuggerLauncher.command(gdb, file)).containsExactly(gdb.executable().toString(), "-x", file.toString());
        assertThat(DebuggerLauncher.run(gdb, file)).isEqualTo(3);
    }

    @Test
    void runsLldbWithTheCommandFileAndRestoresTheInterruptHandler() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.LLDB).isPresent(), "lldb is not installed");
        DebuggerInstall lldb = Debuggers.find(Debugger.LLDB);
        Path file = Files.writeString(dir.resolve("s.lldb"), "quit 4\n");
        SignalHandler mine = signal -> { };
        SignalHandler before = Signal.handle(new Signal("INT"), mine);
        try {
            assertThat(DebuggerLauncher.run(lldb, new WrittenConfigs(file, null, null))).isEqualTo(4);
            // The CLI's own Ctrl-C handling is back once the debugger has exited.
            assertThat(Signal.handle(new Signal("INT"), mine)).isSameAs(mine);
        } finally {
            Signal.handle(new Signal("INT"), before);
        }
    }

    @Test
    void ctrlCWhileTheDebuggerRunsIsTheDebuggersNotOurs() throws Exception {
        assumeTrue(Debuggers.installed(Debugger.GDB).isPresent(), "gdb is not installed");
        DebuggerInstall gdb = Debuggers.find(Debugger.GDB);
        Path file = Files.writeString(dir.resolve("slow.gdb"), "shell sleep 2\nquit 5\n");
        AtomicInteger cliInterrupts = new AtomicInteger();
        SignalHandler cli = signal -> cliInterrupts.incrementAndGet();
        SignalHandler before = Signal.handle(new Signal("INT"), cli);
        try {
            Thread interrupter = new Thread(() -> {
                try {
                    Thread.sleep(700);
                    sigint();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            interrupter.start();
            assertThat(DebuggerLauncher.run(gdb, file)).isEqualTo(5);
            interrupter.join();
            assertThat(cliInterrupts).hasValue(0);
            sigint();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (cliInterrupts.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(cliInterrupts).as("the CLI's handler is back after the debugger exits").hasValue(1);
        } finally {
            Signal.handle(new Signal("INT"), before);
        }
    }

    private static void sigint() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(ProcessHandle.current().pid())).start().waitFor();
    }

    @Test
    void refusesTheOtherDebuggersSession() {
        DebuggerInstall gdb = new DebuggerInstall(Debugger.GDB, Path.of("/usr/bin/gdb"),
                DebuggerVersion.parse(Debugger.GDB, "GNU gdb (GDB) 14.2"));
        assertThatThrownBy(() -> DebuggerLauncher.run(gdb, new WrittenConfigs(dir.resolve("x.lldb"), null, null)))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("does not pair with gdb");
        assertThatThrownBy(() -> DebuggerLauncher.run(gdb, dir.resolve("missing.gdb")))
                .isInstanceOf(MeshdbgException.class).hasMessageContaining("no command file at");
    }
}
