package dev.meshdbg.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.guard.SessionForwarder;
import dev.meshdbg.agent.guard.SessionKey;
import dev.meshdbg.demo.Containerd;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.demo.Rootfs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a kubelet gives the agent, reproduced with containerd. The target container is shaped like
 * {@code istio-proxy}: a pilot-agent-like PID 1 that starts the Envoy stand-in as a plain child
 * (so Envoy leads no process group), uid 1337, every capability dropped, a read-only root, no
 * meshdbg file in it. The agent runs from the agent-only image meshdbg builds, in a second
 * container: ephemeral mode shares only the target's PID namespace, with the runtime's default
 * capabilities plus SYS_PTRACE and the default seccomp profile (no CAP_SYS_ADMIN, so no setns);
 * node mode is privileged with the host's PID namespace. Both share the host network here, so
 * the guard is on this machine's 127.0.0.1, where this test is the other containers of the pod.
 */
class PodConditionsTest {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"]*)\"|[^,}]+)");
    private static final String AGENT_IMAGE = "meshdbg.test/agent:pod-conditions";
    private static final String ENVOY = "/usr/local/bin/envoy-like";

    static Path dir;
    static Containerd containerd;
    static EnvoyLike.Build build;
    static Rootfs rootfs;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Containerd.available(), "SKIPPED: needs root, containerd, ctr and runc");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "SKIPPED: needs busybox-static and util-linux's setpriv");
        dir = Files.createTempDirectory("podcond");
        build = EnvoyLike.build(dir.resolve("envoy"), EnvoyLike.Compiler.GCC, true);
        // PID 1 drops to uid 1337 with util-linux's setpriv (busybox's cannot change ids), then a shell starts Envoy.
        rootfs = Rootfs.create(dir.resolve("rootfs")).add(build.binary(), ENVOY).add(Path.of("/bin/busybox"), "/bin/sh")
                .addProgram(Path.of("/usr/bin/setpriv"));
        Path tar = dir.resolve("agent.tar");
        new ImageBuilder(BuildListener.NONE).build(ImageSpec.builder().base(new ImageSource.Scratch())
                .target(new ImageSource.Tar(tar, AGENT_IMAGE)).debugServers(DebugServer.forDebugger("both"))
                .cacheDir(dir.resolve("cache")).meshdbgVersion("test").build());
        containerd = Containerd.start(Files.createTempDirectory("ctrd"));
        containerd.ctr("image", "import", tar.toString());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (containerd != null) {
            containerd.close();
        }
        if (dir != null) {
            try (var all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void ephemeralWithGdb() throws Exception {
        everyEnding("gdb", false);
    }

    @Test
    void ephemeralWithLldb() throws Exception {
        everyEnding("lldb", false);
    }

    @Test
    void nodeModeWithGdb() throws Exception {
        everyEnding("gdb", true);
    }

    @Test
    void nodeModeWithLldb() throws Exception {
        everyEnding("lldb", true);
    }

    /** Breakpoint, pause, the client killed while running and at a breakpoint; a stranger on the port. */
    private void everyEnding(String debugger, boolean node) throws Exception {
        try (Pod pod = Pod.start(); Agent agent = Agent.start(pod, debugger, node)) {
            assertThat(agent.ready).contains("\"namespaces\":\"proc-root\"").contains("\"server\":\"/opt/meshdbg/bin/");
            int port = agent.forward();
            Debugger client = Debugger.of(debugger, port);

            String stranger = agent.stranger();
            assertThat(stranger).as("a connection without the session key gets nothing").isEmpty();
            agent.await("client-refused");

            String hit = client.breakAndRead(pod);
            assertThat(hit).contains("envoy_like.cc:" + build.line("handler")).contains(client.variableShown());
            pod.assertServesFor(Duration.ofSeconds(3));

            String paused = client.pauseWhileRunning();
            assertThat(paused).as("the client's interrupt stopped a target that leads no process group")
                    .containsAnyOf("SIGINT", "SIGSTOP", "signal SIG", "stop reason = signal");
            pod.assertServesFor(Duration.ofSeconds(3));

            client.killedWhileRunningWithBreakpoint();
            agent.await("detached");
            pod.assertServesFor(Duration.ofSeconds(3));

            client.killedAtBreakpoint(pod);
            agent.await("detached");
            pod.assertServesFor(Duration.ofSeconds(3));
        }
    }

    /** The istio-proxy stand-in: PID 1 as uid 1337 runs Envoy as a child in its own group, no capabilities, read-only root. */
    static final class Pod implements AutoCloseable {
        final String id;
        final EnvoyLikeProcess envoy;
        final long init;
        final long envoyPid;

        private Pod(String id, EnvoyLikeProcess envoy, long init) {
            this.id = id;
            this.envoy = envoy;
            this.init = init;
            // Container processes are the shim's, not ctr's: Envoy is the child of the container's PID 1.
            this.envoyPid = ProcessHandle.of(init).orElseThrow().children()
                    .filter(h -> h.info().command().map(c -> c.endsWith("envoy-like")).orElse(false))
                    .findFirst().orElseThrow().pid();
        }

        static Pod start() throws Exception {
            return start(List.of());
        }

        /** {@code env}: NAME=VALUE pairs for the container, as a pod spec or image gives them. */
        static Pod start(List<String> env) throws Exception {
            String id = "proxy-" + Containerd.newContainerId().substring(0, 10);
            List<String> run = containerd.ctr();
            run.addAll(List.of("run", "--rm", "--net-host", "--read-only", "--seccomp"));
            env.forEach(e -> run.addAll(List.of("--env", e)));
            // PID 1 keeps SETUID/SETGID/SETPCAP only to drop to uid 1337 and empty its bounding set.
            for (String cap : List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
                    "SETFCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE")) {
                run.addAll(List.of("--cap-drop", "CAP_" + cap));
            }
            run.addAll(List.of("--rootfs", rootfs.dir().toString(), id,
                    "/usr/bin/setpriv", "--reuid=1337", "--regid=1337", "--clear-groups", "--bounding-set=-all", "--inh-caps=-all",
                    "/bin/sh", "-c", "\"$0\" \"$@\" & wait"));
            EnvoyLikeProcess envoy = EnvoyLikeProcess.start(run, Path.of(ENVOY));
            Pod pod = new Pod(id, envoy, containerd.taskPid(id, Duration.ofSeconds(10)));
            assertThat(Files.readString(Path.of("/proc/" + pod.envoyPid + "/status"))).contains("Uid:\t1337")
                    .contains("CapEff:\t0000000000000000").contains("CapBnd:\t0000000000000000");
            assertThat(pgid(pod.envoyPid)).as("Envoy leads no process group").isNotEqualTo(pod.envoyPid);
            return pod;
        }

        void assertServesFor(Duration d) throws Exception {
            // The guarantee: within 2 s of an ending the guard has detached (5 s here, for a loaded machine).
            long settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Files.readString(Path.of("/proc/" + envoyPid + "/status")).contains("TracerPid:\t0\n")
                    && System.nanoTime() < settle) {
                Thread.sleep(50);
            }
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                assertThat(ProcessHandle.of(envoyPid).map(ProcessHandle::isAlive)).as("envoy-like is alive").contains(true);
                assertThat(Files.readString(Path.of("/proc/" + envoyPid + "/status"))).as("envoy-like is not stopped")
                        .doesNotContain("State:\tt");
                assertThat(envoy.serves(Duration.ofSeconds(2))).as("envoy-like serves").isTrue();
                Thread.sleep(200);
            }
        }

        @Override
        public void close() {
            containerd.ctr("task", "kill", "-s", "SIGKILL", "--all", id);
            envoy.close();
        }

        private static long pgid(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        }
    }

    /** The agent in its own container, from the agent-only image; this test is meshdbg's end of the forward. */
    static final class Agent implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final String ready;
        final List<SessionForwarder> forwards = new ArrayList<>();
        Path mounted;

        private Agent(Process process) throws Exception {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        events.add(line);
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            this.ready = await("ready");
        }

        static Agent start(Pod pod, String debugger, boolean node) throws Exception {
            return start(pod, debugger, node, List.of());
        }

        /** {@code more}: further agent arguments (the symbols' proof). */
        static Agent start(Pod pod, String debugger, boolean node, List<String> more) throws Exception {
            List<String> args = new ArrayList<>(List.of("/opt/meshdbg/bin/meshdbg-agent", "--debugger", debugger,
                    "--idle-timeout", "2m"));
            args.addAll(more);
            if (node) {
                Path root = Files.createDirectories(dir.resolve("node-root-" + System.nanoTime()));
                containerd.ctr("images", "mount", "--rw", AGENT_IMAGE, root.toString());
                try {
                    Agent a = new Agent(new ProcessBuilder(nodeAgent(pod, root, args)).redirectError(ProcessBuilder.Redirect.DISCARD).start());
                    a.mounted = root;
                    return a;
                } catch (Exception | AssertionError e) {
                    containerd.ctr("images", "unmount", "--rm", root.toString());
                    throw e;
                }
            }
            List<String> run = containerd.ctr();
            run.addAll(List.of("run", "--rm", "--net-host", "--seccomp", "--cap-add", "CAP_SYS_PTRACE",
                    "--with-ns", "pid:/proc/" + pod.init + "/ns/pid", AGENT_IMAGE, "agent-" + Containerd.newContainerId().substring(0, 10)));
            run.addAll(args);
            run.addAll(List.of("--name", "envoy-like"));
            return new Agent(new ProcessBuilder(run).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        /**
         * A node agent as the kubelet runs a privileged hostPID pod: the host's PID namespace, a
         * mount namespace and root of its own (the image's), its own /proc of the host's PIDs; it
         * finds Envoy by the sidecar's container id. (ctr cannot join the host's PID namespace by
         * path; a pod spec simply leaves it out.)
         */
        private static List<String> nodeAgent(Pod pod, Path root, List<String> args) throws IOException {
            for (String d : List.of("proc", "tmp", "dev")) {
                Files.createDirectories(root.resolve(d));
            }
            List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c",
                    "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" \"$@\"", root.toString()));
            command.addAll(args);
            command.addAll(List.of("--container", pod.id, "--name", "envoy-like"));
            return command;
        }

        String await(String event) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String line = events.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                seen.add(line);
                if (line.contains("\"event\":\"" + event + "\"")) {
                    return line;
                }
                if (line.contains("\"event\":\"error\"")) {
                    throw new AssertionError("agent failed: " + line);
                }
            }
            throw new AssertionError("no " + event + " from the agent; saw " + seen);
        }

        int forward() {
            SessionForwarder f = SessionForwarder.open(0, SessionKey.ofHex(field(ready, "sessionKey")),
                    SessionForwarder.tcp(new InetSocketAddress("127.0.0.1", Integer.parseInt(field(ready, "port")))), null);
            forwards.add(f);
            return f.port();
        }

        /** Another container of the pod: connects to the guard and speaks gdb-remote without the key. */
        String stranger() throws IOException {
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(field(ready, "port")))) {
                s.getOutputStream().write("+$qSupported:multiprocess+#c9".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write("\nmeshdbg-session 00 relay\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(10_000);
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
        }

        @Override
        public void close() throws Exception {
            forwards.forEach(SessionForwarder::close);
            // The lease is gone: the agent leaves by itself (no Ctrl-C, no kill needed).
            boolean left = process.waitFor(30, TimeUnit.SECONDS);
            if (!left) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            if (mounted != null) {
                containerd.ctr("images", "unmount", "--rm", mounted.toString());
            }
            assertThat(left).as("the agent left once its session ended").isTrue();
        }
    }

    /** gdb or lldb driven like a person would, against the forward's port. */
    record Debugger(String kind, int port, String variable) {
        static Debugger of(String kind, int port) {
            return new Debugger(kind, port, kind.equals("gdb") ? "request.path" : "request_number");
        }

        /** What the debugger prints for the variable: gdb its value (the path poked), lldb its name too. */
        String variableShown() {
            return kind.equals("gdb") ? "\"/poke\"" : "request_number = ";
        }

        String breakAndRead(Pod pod) throws Exception {
            // The thread at the breakpoint, selected as a person would: lldb-server attached from
            // the host's PID namespace (node mode) reports the threads it stopped as stopped by SIGSTOP.
            Process p = start(kind.equals("gdb") ? List.of(breakAt(), "continue", print(), "detach")
                    : List.of(breakAt(), "continue", "script [lldb.process.SetSelectedThread(t) for t in lldb.process"
                            + " if t.GetStopReason() == lldb.eStopReasonBreakpoint]", print(), "detach"));
            Thread poker = poke(pod, p);
            String out = finish(p);
            poker.join(10_000);
            return out;
        }

        /**
         * Pause while running: gdb gets Ctrl-C (SIGINT) as a person presses it; lldb gets
         * {@code process interrupt} in asynchronous mode, which is what an editor's pause does.
         */
        String pauseWhileRunning() throws Exception {
            if (kind.equals("gdb")) {
                Process p = start(List.of("continue", "info registers rip", "detach"));
                Thread.sleep(3000);
                signal(p.pid(), "INT");
                return finish(p);
            }
            return finish(start(List.of("script lldb.debugger.SetAsync(True)", "process continue", "script import time; time.sleep(3)",
                    "process interrupt", "script time.sleep(3)", "script lldb.debugger.SetAsync(False)", "register read pc",
                    "detach")));
        }

        void killedWhileRunningWithBreakpoint() throws Exception {
            Process p = start(List.of(breakAt(), "continue"));
            Thread.sleep(3000);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }

        void killedAtBreakpoint(Pod pod) throws Exception {
            Process p = start(List.of(breakAt(), "continue", kind.equals("gdb") ? "shell sleep 30" : "platform shell sleep 30"));
            Thread poker = poke(pod, p);
            StringBuilder out = new StringBuilder();
            InputStream in = p.getInputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            byte[] buf = new byte[4096];
            while (!out.toString().contains(kind.equals("gdb") ? "Breakpoint 1, " : "stop reason = breakpoint")
                    && System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(out.toString()).as("stopped at the breakpoint").containsAnyOf("Breakpoint 1, ", "stop reason = breakpoint");
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            poker.join(10_000);
        }

        private String breakAt() {
            return kind.equals("gdb") ? "break envoy_like.cc:" + build.line("handler")
                    : "breakpoint set --file envoy_like.cc --line " + build.line("handler");
        }

        private String print() {
            return kind.equals("gdb") ? "print " + variable : "frame variable " + variable;
        }

        private Process start(List<String> commands) throws IOException {
            List<String> command = new ArrayList<>();
            if (kind.equals("gdb")) {
                command.addAll(List.of("gdb", "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
                        "-ex", "file " + build.binary(), "-ex", "target remote 127.0.0.1:" + port));
                commands.forEach(c -> command.addAll(List.of("-ex", c)));
            } else {
                command.addAll(List.of("lldb-19", "--no-lldbinit", "-b", "-o", "target create " + build.binary(),
                        "-o", "gdb-remote 127.0.0.1:" + port));
                commands.forEach(c -> command.addAll(List.of("-o", c)));
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return p;
        }

        private static String finish(Process p) throws Exception {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("debugger did not finish: " + out);
            }
            return out;
        }

        static Thread poke(Pod pod, Process debugger) {
            Thread t = new Thread(() -> {
                while (debugger.isAlive()) {
                    try {
                        pod.envoy.get("/poke", Duration.ofSeconds(30));
                        Thread.sleep(200);
                    } catch (IOException | InterruptedException e) {
                        // Held at the breakpoint, or done.
                    }
                }
            }, "poke");
            t.setDaemon(true);
            t.start();
            return t;
        }

        private static void signal(long pid, String sig) {
            try {
                new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static String field(String event, String name) {
        Matcher m = FIELD.matcher(event);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(3) != null ? m.group(3) : m.group(2);
            }
        }
        throw new AssertionError("no " + name + " in " + event);
    }
}
