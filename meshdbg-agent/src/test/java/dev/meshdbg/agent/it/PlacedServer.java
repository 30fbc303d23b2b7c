package dev.meshdbg.agent.it;

import dev.meshdbg.agent.proc.DebugServerLocator;
import dev.meshdbg.agent.proc.Debugger;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A debug server started exactly as a {@link DebugServerLocator.Placement} says (namespace entry,
 * binary in the target's filesystem, inner pid), listening on a loopback port; closing kills it
 * and its nsenter wrapper.
 */
final class PlacedServer implements AutoCloseable {
    final Process process;
    final int port;

    private PlacedServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static PlacedServer start(DebugServerLocator.Placement placement, Debugger debugger) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(placement.commandPrefix());
        command.add(placement.binary());
        if (debugger == Debugger.GDB) {
            command.addAll(List.of("--once", "--attach", "127.0.0.1:" + port, Long.toString(placement.attachPid())));
        } else {
            command.addAll(List.of("gdbserver", "--attach", Long.toString(placement.attachPid()), "127.0.0.1:" + port));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // Watch the kernel's socket table: a probe connection would be taken as the one client.
        String local = String.format(":%04X ", port);
        while (!listening(local)) {
            if (!p.isAlive()) {
                throw new AssertionError("debug server exited: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("debug server did not listen on " + port);
            }
            Thread.sleep(50);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (java.io.IOException ignored) {
                // exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new PlacedServer(p, port);
    }

    private static boolean listening(String local) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            // gdbserver 13 binds 0.0.0.0 whatever host it is given; lldb-server binds 127.0.0.1.
            if (f.length > 3 && f[1].endsWith(local.strip()) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(h -> h.onExit().join());
    }
}
