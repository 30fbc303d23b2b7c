package dev.meshdbg.agent.it;

import dev.meshdbg.demo.EnvoyLikeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real gdb and lldb sessions in batch mode against a gdb-remote port: set a breakpoint at the
 * handler's line, let a request hit it, print a variable, detach. A thread keeps sending requests
 * until the debugger exits, since the breakpoint is armed only once the debugger has connected.
 */
final class DebugClients {
    private DebugClients() {
    }

    static String gdb(EnvoyLikeProcess target, int port, Path symbols, int line, String variable) throws Exception {
        return run(List.of("gdb", "-nx", "-batch",
                "-ex", "set pagination off", "-ex", "set confirm off",
                "-ex", "target remote 127.0.0.1:" + port,
                "-ex", "break envoy_like.cc:" + line,
                "-ex", "continue",
                "-ex", "print " + variable,
                "-ex", "detach",
                symbols.toString()), target);
    }

    static String lldb(EnvoyLikeProcess target, int port, Path symbols, int line, String variable) throws Exception {
        return run(List.of("lldb-19", "--no-lldbinit", "-b",
                "-o", "target create " + symbols,
                "-o", "gdb-remote 127.0.0.1:" + port,
                "-o", "breakpoint set --file envoy_like.cc --line " + line,
                "-o", "continue",
                "-o", "frame variable " + variable,
                "-o", "detach"), target);
    }

    /** Runs the debugger while {@code target} (if given) is poked with requests; returns all it printed. */
    static String run(List<String> command, EnvoyLikeProcess target) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        Thread poker = target == null ? null : poke(target, p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("debugger did not finish: " + out);
        }
        if (poker != null) {
            poker.join(10_000);
        }
        return out;
    }

    static Thread poke(EnvoyLikeProcess target, Process debugger) {
        Thread t = new Thread(() -> {
            while (debugger.isAlive()) {
                try {
                    target.get("/poke", Duration.ofSeconds(30));
                } catch (IOException e) {
                    // The target is stopped at the breakpoint: the request times out; try again.
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "poke");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
