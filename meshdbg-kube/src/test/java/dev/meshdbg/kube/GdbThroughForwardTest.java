package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real gdb-remote bytes end to end: gdb on this side, the session's port-forward through the mock
 * API server's websocket, and a real gdbserver attached to a real process on the far side (standing
 * where the guard listens in the pod). The process must run on afterwards.
 */
class GdbThroughForwardTest {
    private Process target;
    private Process gdbserver;
    private FakeCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (Process p : new Process[] {gdbserver, target}) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void gdbReadsRegistersAndDetachesThroughTheForward() throws Exception {
        Assumptions.assumeTrue(onPath("gdb") && onPath("gdbserver"), "needs gdb and gdbserver on PATH");
        target = new ProcessBuilder("sleep", "600").start();
        gdbserver = new ProcessBuilder("gdbserver", "--once", "--attach", "127.0.0.1:0", Long.toString(target.pid()))
                .redirectErrorStream(true).start();
        int port = listeningPort(gdbserver);
        Assumptions.assumeTrue(port > 0, "gdbserver could not attach here (ptrace not permitted?)");

        cluster = new FakeCluster();
        cluster.agent(FakeAgent.readyOn(port));
        StringBuilder gdbOutput = new StringBuilder();
        new KubeSession(cluster.client, AttachOptions.of(TargetRef.parse("web-1")), new SessionListener() {
        }).run(ctx -> {
            Process gdb = new ProcessBuilder("gdb", "-nx", "-batch",
                    "-ex", "target remote " + ctx.endpoint().address(),
                    "-ex", "info registers rip",
                    "-ex", "detach")
                    .redirectErrorStream(true).start();
            assertThat(gdb.waitFor(60, TimeUnit.SECONDS)).as("gdb finished").isTrue();
            gdbOutput.append(new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        });

        // gdb also read the target's libraries over the same stream: megabytes of real RSP traffic.
        assertThat(gdbOutput.toString()).contains("Reading /lib64/ld-linux-x86-64.so.2 from remote target")
                .containsPattern("rip\\s+0x").contains("[Inferior 1 (process " + target.pid() + ") detached]");
        assertThat(gdbserver.waitFor(10, TimeUnit.SECONDS)).as("gdbserver --once ends after the detach").isTrue();
        assertThat(target.isAlive()).isTrue();
        assertThat(state(target.pid())).as("the target runs again, not stopped").isNotEqualTo("t");
        assertThat(cluster.annotatedPods()).isEmpty();
    }

    private static int listeningPort(Process gdbserver) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(gdbserver.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("Listening on port (\\d+)");
        String line;
        while ((line = in.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    /** The state letter from /proc/PID/stat; sleeping is 'S', stopped by a tracer is 't'. */
    private static String state(long pid) throws Exception {
        for (int i = 0; i < 20; i++) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String s = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            if (!s.equals("t")) {
                return s;
            }
            Thread.sleep(100);
        }
        return "t";
    }

    private static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
