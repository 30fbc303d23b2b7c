package dev.meshdbg.agent.stacks;

import java.util.Optional;

/**
 * One frame of an unwound stack. {@code pc} is the thread's pc for the innermost frame and the
 * return address for the others; {@code lookup} is the address inside the call (pc - 1 for
 * callers), the one to symbolize. {@code module} and {@code moduleAddress} say where that is in
 * which file; {@code symbol} is the ELF symbol the agent found there.
 */
public record Frame(long pc, long lookup, Optional<String> module, long moduleAddress, boolean mainExecutable,
                    Optional<String> symbol, long symbolOffset) {
}
