package dev.meshdbg.agent;

import dev.meshdbg.agent.proc.Debugger;
import dev.meshdbg.agent.proc.SymbolsCheck;
import dev.meshdbg.agent.proc.TargetQuery;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's command line, parsed by hand because the agent may use java.base only. */
public record AgentOptions(TargetQuery query, Debugger debugger, int port, Optional<Duration> maxPause,
                           Duration idleTimeout, boolean allowKill, SymbolsCheck.Expected symbols,
                           boolean ignoreMismatch, Optional<String> server, boolean leaveWithParent,
                           boolean stay) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    public static final String USAGE = String.join("\n",
            "usage: java -cp meshdbg-agent.jar dev.meshdbg.agent.AgentMain TARGET [OPTIONS]",
            "TARGET (every given one must hold): --pid N | --name NAME | --pod NAME | --container ID",
            "  --debugger gdb|lldb            the client's debugger; picks gdbserver or lldb-server (default gdb)",
            "  --server PATH                  the debug server, as a path in the target's filesystem",
            "  --port N                       the guard's port on 127.0.0.1 (default 0: a free one)",
            "  --max-pause DURATION           detach when the target stays stopped longer (e.g. 10m)",
            "  --idle-timeout DURATION        exit after this long with no client (default 30m)",
            "  --allow-kill                   let the client kill the target (default: kill becomes detach)",
            "  --symbols-build-id HEX         refuse unless the running binary has this build-id",
            "  --symbols-code-hash HEX        the same by loadable-code hash; decides when the build-ids differ",
            "  --ignore-build-id-mismatch     report a mismatch instead of refusing",
            "  --leave-with-parent            when the starting process dies, exit once no client is connected",
            "  --stay                         keep guarding when meshdbg's session lease ends (until --idle-timeout)",
            "Prints one JSON event per line on stdout; exit 0 done, 1 failure, 2 bad input.");

    public static AgentOptions parse(List<String> args) {
        Long pid = null;
        String name = null;
        String pod = null;
        String container = null;
        Debugger debugger = Debugger.GDB;
        int port = 0;
        Optional<Duration> maxPause = Optional.empty();
        Duration idle = DEFAULT_IDLE_TIMEOUT;
        boolean allowKill = false;
        boolean ignore = false;
        boolean leave = false;
        boolean stay = false;
        Optional<BuildId> buildId = Optional.empty();
        Optional<String> codeHash = Optional.empty();
        Optional<String> server = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--pid" -> pid = number(a, value(args, ++i, a));
                case "--name" -> name = value(args, ++i, a);
                case "--pod" -> pod = value(args, ++i, a);
                case "--container" -> container = value(args, ++i, a);
                case "--debugger" -> debugger = Debugger.parse(value(args, ++i, a));
                case "--server" -> server = Optional.of(value(args, ++i, a));
                case "--port" -> port = port(value(args, ++i, a));
                case "--max-pause" -> maxPause = Optional.of(duration(a, value(args, ++i, a)));
                case "--idle-timeout" -> idle = duration(a, value(args, ++i, a));
                case "--allow-kill" -> allowKill = true;
                case "--ignore-build-id-mismatch" -> ignore = true;
                case "--leave-with-parent" -> leave = true;
                case "--stay" -> stay = true;
                case "--symbols-build-id" -> buildId = Optional.of(BuildId.ofHex(value(args, ++i, a)));
                case "--symbols-code-hash" -> codeHash = Optional.of(hex(a, value(args, ++i, a)));
                default -> throw MeshdbgException.badInput("unknown agent option '" + a + "'");
            }
        }
        TargetQuery query = TargetQuery.of(pid, name, pod, container);
        query.validate();
        if (maxPause.isPresent() && maxPause.get().isZero()) {
            throw MeshdbgException.badInput("--max-pause must be longer than 0");
        }
        return new AgentOptions(query, debugger, port, maxPause, idle, allowKill,
                new SymbolsCheck.Expected(buildId, codeHash, ""), ignore, server, leave, stay);
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}; a bare number is seconds. */
    public static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw MeshdbgException.badInput(option + " takes a duration like 30s, 10m or 2h, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw MeshdbgException.badInput(option + " needs a value");
        }
        return args.get(i);
    }

    private static long number(String option, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw MeshdbgException.badInput(option + " takes a number, not '" + text + "'");
        }
    }

    private static int port(String text) {
        long p = number("--port", text);
        if (p < 0 || p > 65535) {
            throw MeshdbgException.badInput("--port must be between 0 and 65535, not " + p);
        }
        return (int) p;
    }

    private static String hex(String option, String text) {
        if (!text.matches("[0-9a-fA-F]{64}")) {
            throw MeshdbgException.badInput(option + " takes a SHA-256 in hex (64 digits), not '" + text + "'");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }
}
