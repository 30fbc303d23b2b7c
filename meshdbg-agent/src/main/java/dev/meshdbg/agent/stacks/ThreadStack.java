package dev.meshdbg.agent.stacks;

/**
 * What the stop yields for one thread: its registers in DWARF numbering (x86-64: 0 rax, 3 rbx,
 * 6 rbp, 7 rsp, 12-15 r12-r15, 16 rip) and a copy of the top of its stack, {@code stack} bytes
 * from {@code stackStart} (its stack pointer) upwards.
 */
public record ThreadStack(long tid, long[] registers, long stackStart, byte[] stack) {
    public static final int RBP = 6;
    public static final int RSP = 7;
    public static final int RIP = 16;
    public static final int REGISTERS = 17;

    public long pc() {
        return registers[RIP];
    }

    public long sp() {
        return registers[RSP];
    }
}
