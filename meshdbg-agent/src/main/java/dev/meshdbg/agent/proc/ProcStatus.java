package dev.meshdbg.agent.proc;

import java.util.Arrays;

/**
 * The fields of {@code /proc/PID/status} target resolution needs. {@code NSpid} lists the pid in
 * every PID namespace from the reader's down to the process's own; the last one is the pid the
 * process sees for itself, which is what a debug server inside its namespace must attach to.
 */
public record ProcStatus(String name, char state, long ppid, long[] nsPids) {
    public static ProcStatus parse(long hostPid, String text) {
        String name = "";
        char state = '?';
        long ppid = 0;
        long[] nsPids = {hostPid}; // kernels before 4.1 have no NSpid: one namespace seen
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            switch (line.substring(0, colon)) {
                case "Name" -> name = value;
                case "State" -> state = value.isEmpty() ? '?' : value.charAt(0);
                case "PPid" -> ppid = Long.parseLong(value);
                case "NSpid" -> nsPids = Arrays.stream(value.split("\\s+")).mapToLong(Long::parseLong).toArray();
                default -> { }
            }
        }
        return new ProcStatus(name, state, ppid, nsPids);
    }

    /** The pid inside the process's own PID namespace. */
    public long innerPid() {
        return nsPids[nsPids.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcStatus s && s.name.equals(name) && s.state == state && s.ppid == ppid
                && Arrays.equals(s.nsPids, nsPids);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(nsPids);
    }

    @Override
    public String toString() {
        return "ProcStatus[" + name + ", " + state + ", ppid " + ppid + ", NSpid " + Arrays.toString(nsPids) + "]";
    }
}
