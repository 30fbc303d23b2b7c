package dev.meshdbg.agent.server;

import dev.meshdbg.agent.rsp.RspChannel;
import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gdbserver or lldb-server attached to one process, reachable only by the guard. Single use:
 * {@link #start()} once, {@link #open()} once, {@link #close()} once.
 * <p>gdbserver talks over its stdin/stdout ({@code gdbserver --attach - PID}): gdbserver 13
 * listens on every interface whatever host it is given, so a port of its would be open to the
 * pod's network while it waits. lldb-server does bind the address it is given: it listens on a
 * kernel-chosen port of 127.0.0.1 and writes the port to the descriptor given with {@code --pipe}
 * (here its stdout).
 */
public final class DebugServer implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 20;
    private static final int BUFFER = 1 << 16;

    /** Which server; the client must speak the same dialect (lldb with lldb-server, gdb with gdbserver). */
    public enum Kind {
        GDBSERVER("gdbserver", "gdb"), LLDB_SERVER("lldb-server", "lldb");

        private final String serverName;
        private final String clientName;

        Kind(String serverName, String clientName) {
            this.serverName = serverName;
            this.clientName = clientName;
        }

        /** {@code gdbserver} or {@code lldb-server}. */
        public String serverName() {
            return serverName;
        }

        /** The debugger that pairs with this server: {@code gdb} or {@code lldb}. */
        public String clientName() {
            return clientName;
        }
    }

    /**
     * What to run: {@code commandPrefix} enters the target's namespaces (e.g. {@code nsenter -t
     * HOSTPID -m -p -u --}; empty when local), {@code binary} is the server's path as seen there,
     * {@code pid} the target's pid as seen in its own PID namespace, {@code hostPid} the same
     * process as seen by this agent (-1 when unknown), used to signal it directly.
     */
    public record Spec(Kind kind, List<String> commandPrefix, String binary, long pid, long hostPid) {
        public Spec {
            Objects.requireNonNull(kind, "kind");
            commandPrefix = List.copyOf(commandPrefix);
            Objects.requireNonNull(binary, "binary");
            if (pid <= 0) {
                throw MeshdbgException.badInput("not a process id: " + pid);
            }
        }

        /** Without a prefix the agent shares the target's PID namespace, so the pids agree. */
        public Spec(Kind kind, List<String> commandPrefix, String binary, long pid) {
            this(kind, commandPrefix, binary, pid, commandPrefix.isEmpty() ? pid : -1);
        }

        /** The full command line: gdbserver on stdio, lldb-server on a kernel-chosen loopback port. */
        public List<String> command() {
            List<String> command = new ArrayList<>(commandPrefix);
            command.add(binary);
            if (kind == Kind.GDBSERVER) {
                command.addAll(List.of("--once", "--attach", "-", Long.toString(pid)));
            } else {
                command.addAll(List.of("gdbserver", "--attach", Long.toString(pid), "--pipe", "1", "127.0.0.1:0"));
            }
            return command;
        }
    }

    private final Spec spec;
    private Process process;
    private InetSocketAddress address;
    private ServerOutput output;

    public DebugServer(Spec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public Spec spec() {
        return spec;
    }

    /**
     * Starts the server, which attaches (stopping the target); returns once it is ready for the
     * guard, with where it is reached ({@code stdio} or {@code 127.0.0.1:PORT}). Throws with the
     * server's own words when it is missing, cannot attach or exits.
     */
    public synchronized String start() {
        if (process != null) {
            throw new IllegalStateException("a DebugServer starts once");
        }
        if (spec.commandPrefix().isEmpty() && !Files.isExecutable(Path.of(spec.binary()))) {
            throw missing(null);
        }
        refuseIfTraced();
        try {
            process = new ProcessBuilder(spec.command()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw missing(e);
        }
        output = new ServerOutput(process);
        try {
            if (spec.kind() == Kind.GDBSERVER) {
                output.stdioReady().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return "stdio";
            }
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    output.portFromStdout().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            return "127.0.0.1:" + address.getPort();
        } catch (ExecutionException | TimeoutException e) {
            String said = output.awaitText(2);
            close();
            throw failed(said, e instanceof TimeoutException);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw MeshdbgException.failure("interrupted while starting " + spec.kind().serverName(), e);
        }
    }

    /**
     * The gdb-remote conversation with the started server: its stdin/stdout for gdbserver, a
     * loopback connection for lldb-server.
     */
    public synchronized RspChannel open() throws IOException {
        if (process == null) {
            throw new IllegalStateException("open() before start()");
        }
        if (spec.kind() == Kind.GDBSERVER) {
            Process p = process;
            return new RspChannel(new BufferedInputStream(p.getInputStream(), BUFFER),
                    new BufferedOutputStream(p.getOutputStream(), BUFFER), () -> {
                        p.getOutputStream().close(); // gdbserver sees the end of its input and exits
                        p.getInputStream().close();
                    });
        }
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setTcpNoDelay(true);
        return new RspChannel(new BufferedInputStream(socket.getInputStream(), BUFFER),
                new BufferedOutputStream(socket.getOutputStream(), BUFFER), socket);
    }

    /** The pid of the started command (the namespace-entering wrapper when there is a prefix). */
    public synchronized long processId() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Everything the server wrote to stderr so far (its diagnostics). */
    public synchronized String diagnostics() {
        return output == null ? "" : output.text();
    }

    /**
     * Kills the server and every process it started. After a clean detach this only reaps it;
     * without one, the kernel detaches on the server's death and the target resumes.
     */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        ProcessTree.kill(process.toHandle());
    }

    /**
     * Stops the running target by signalling it directly, for when gdbserver cannot: its interrupt
     * signals the target's process group, which fails when the target does not lead one (Envoy
     * under pilot-agent, any process started from a shell without job control). Sends SIGINT with
     * kill(1) when there is one, else (when {@code sigtermFallback}) SIGTERM, all java.base can send;
     * the guard keeps either from being delivered on detach. Returns the signal sent, or null.
     */
    public String interruptTarget(boolean sigtermFallback) {
        long target = spec.hostPid();
        if (target <= 0) {
            return null;
        }
        try {
            Process kill = new ProcessBuilder(killCommand(), "-INT", Long.toString(target))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(2, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return "SIGINT";
            }
        } catch (IOException e) {
            // No kill(1) here: fall back to what java.base can send.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (!sigtermFallback) {
            return null;
        }
        return ProcessHandle.of(target).map(ProcessHandle::destroy).orElse(false) ? "SIGTERM" : null;
    }

    /** kill(1): the agent image's own (its base may have none: distroless), else the one on PATH. */
    static String killCommand() {
        Path own = Path.of(dev.meshdbg.agent.proc.DebugServerLocator.IMAGE_DIR, "kill");
        return Files.isExecutable(own) ? own.toString() : "kill";
    }

    private MeshdbgException missing(Throwable cause) {
        String name = spec.kind().serverName();
        return MeshdbgException.failure(name + " not found at " + spec.binary()
                + (spec.commandPrefix().isEmpty() ? "" : " in the target's namespaces")
                + ": install " + (spec.kind() == Kind.GDBSERVER ? "gdbserver" : "lldb (it ships lldb-server)")
                + " or give the path of one", cause);
    }

    /** A second tracer is refused by the kernel (and crashes lldb-server 19): say who holds the target. */
    private void refuseIfTraced() {
        if (spec.hostPid() <= 0) {
            return;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + spec.hostPid() + "/status"))) {
                if (line.startsWith("TracerPid:") && !line.substring(10).strip().equals("0")) {
                    String tracer = line.substring(10).strip();
                    String comm = ProcessHandle.of(Long.parseLong(tracer)).flatMap(h -> h.info().command())
                            .map(c -> " (" + c + ")").orElse("");
                    throw MeshdbgException.failure("pid " + spec.pid() + " is already being debugged by pid " + tracer
                            + comm + ": detach or stop that debugger first", null);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // No such process here, or unreadable: the server's attach will say what is wrong.
        }
    }

    private MeshdbgException failed(String said, boolean timedOut) {
        String name = spec.kind().serverName();
        String words = said.isBlank() ? "no output" : said.strip().replaceAll("\\s*\\n\\s*", "; ");
        int dump = words.indexOf("PLEASE submit a bug report");
        if (dump >= 0) {
            words = (dump > 0 ? words.substring(0, dump) : "") + name + " crashed";
        }
        if (words.length() > 400) {
            words = words.substring(0, 400) + "...";
        }
        if (words.contains("No such file or directory") && words.contains(spec.binary())) {
            return missing(null);
        }
        if (words.contains("Operation not permitted") || words.contains("not permitted")) {
            return MeshdbgException.failure(name + " cannot attach to pid " + spec.pid()
                    + ": ptrace not permitted (" + PtraceScope.describe()
                    + "; run as root or with CAP_SYS_PTRACE): " + words, null);
        }
        if (timedOut) {
            return MeshdbgException.failure(name + " was not ready within " + START_TIMEOUT_SECONDS
                    + " s: " + words, null);
        }
        return MeshdbgException.failure(name + " exited before it was ready (attach to pid " + spec.pid()
                + " failed): " + words, null);
    }
}
