package dev.meshdbg.agent.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A /proc tree written as fixture files, with hostnames per UTS namespace inode. */
final class FakeProc {
    static final long HOST_MNT = 4026531840L;
    static final long HOST_PID = 4026531836L;
    static final long HOST_UTS = 4026531838L;

    final Path root;
    final Map<Long, String> hostnames = new HashMap<>();

    FakeProc(Path root, long selfPid) throws IOException {
        this.root = root;
        hostnames.put(HOST_UTS, "node-1");
        add(selfPid, "/usr/bin/java", "java", List.of("java", "-jar", "meshdbg.jar"), "0::/user.slice\n", selfPid, HOST_MNT, HOST_PID, HOST_UTS);
        Files.createSymbolicLink(root.resolve("self"), Path.of(Long.toString(selfPid)));
    }

    FakeProc add(long pid, String exe, String comm, List<String> cmdline, String cgroup, long innerPid,
                 long mnt, long pidNs, long uts) throws IOException {
        Path d = root.resolve(Long.toString(pid));
        Files.createDirectories(d.resolve("ns"));
        Files.createSymbolicLink(d.resolve("exe"), Path.of(exe));
        Files.writeString(d.resolve("comm"), comm + "\n");
        Files.writeString(d.resolve("status"), "Name:\t" + comm + "\nState:\tS (sleeping)\nPPid:\t1\nNSpid:\t" + pid
                + (innerPid != pid ? "\t" + innerPid : "") + "\n");
        Files.write(d.resolve("cmdline"), (String.join("\0", cmdline) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(d.resolve("cgroup"), cgroup);
        Files.createSymbolicLink(d.resolve("ns/mnt"), Path.of("mnt:[" + mnt + "]"));
        Files.createSymbolicLink(d.resolve("ns/pid"), Path.of("pid:[" + pidNs + "]"));
        Files.createSymbolicLink(d.resolve("ns/uts"), Path.of("uts:[" + uts + "]"));
        return this;
    }

    /** A host process outside any container. */
    FakeProc host(long pid, String exe, String... args) throws IOException {
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        return add(pid, exe, comm, List.of(args.length == 0 ? new String[] {exe} : args), "0::/system.slice/x.service\n",
                pid, HOST_MNT, HOST_PID, HOST_UTS);
    }

    /** A process in a pod: its own namespaces (numbered from {@code ns}), a CRI cgroup path, a hostname. */
    FakeProc inPod(long pid, long innerPid, String exe, String pod, String containerId, long ns) throws IOException {
        hostnames.put(ns + 2, pod);
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        return add(pid, exe, comm, List.of(exe, "-c", "envoy.yaml"),
                "0::/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/" + containerId + "\n",
                innerPid, ns, ns + 1, ns + 2);
    }

    ProcScanner scanner() {
        return new ProcScanner(root);
    }

    HostnameReader hostnameReader() {
        return t -> hostnames.getOrDefault(t.namespaces().uts(), "");
    }
}
