package dev.meshdbg.agent.stacks;

import dev.meshdbg.agent.AgentOptions;
import dev.meshdbg.errors.MeshdbgException;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's {@code --stacks} mode: the target, symbols and debugger options of the guard mode,
 * plus how much of each stack to copy during the stop.
 */
public record StacksOptions(AgentOptions agent, int stackBytes) {
    public static final String FLAG = "--stacks";
    public static final int DEFAULT_STACK_BYTES = 64 * 1024;
    static final int MAX_STACK_BYTES = 8 << 20;

    public static final String USAGE = String.join("\n",
            "  --stacks                       capture every thread's stack in one short stop, print it, exit",
            "  --stack-bytes N                with --stacks: bytes copied from each stack pointer up (default 65536)");

    public static boolean requested(List<String> args) {
        return args.contains(FLAG);
    }

    public static StacksOptions parse(List<String> args) {
        List<String> rest = new ArrayList<>();
        int stackBytes = DEFAULT_STACK_BYTES;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(FLAG)) {
                continue;
            }
            if (a.equals("--stack-bytes")) {
                if (i + 1 >= args.size()) {
                    throw MeshdbgException.badInput("--stack-bytes needs a value");
                }
                stackBytes = bytes(args.get(++i));
                continue;
            }
            rest.add(a);
        }
        return new StacksOptions(AgentOptions.parse(rest), stackBytes);
    }

    private static int bytes(String text) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= 64 && n <= MAX_STACK_BYTES) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw MeshdbgException.badInput("--stack-bytes takes a number of bytes from 64 to " + MAX_STACK_BYTES + ", not '" + text + "'");
    }
}
