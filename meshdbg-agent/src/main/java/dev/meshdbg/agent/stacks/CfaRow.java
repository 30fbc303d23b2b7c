package dev.meshdbg.agent.stacks;

import java.util.Arrays;

/**
 * One row of the call-frame table: how to find the canonical frame address (a register plus an
 * offset) and where the caller's registers are. Registers beyond x86-64's sixteen and the return
 * address are ignored; a rule or a CFA given by a DWARF expression makes the row unusable.
 */
final class CfaRow {
    enum Rule { SAME, UNDEFINED, OFFSET, VAL_OFFSET, REGISTER, UNSUPPORTED }

    static final int COUNT = ThreadStack.REGISTERS;

    int cfaRegister = ThreadStack.RSP;
    long cfaOffset;
    boolean cfaUnsupported;
    final Rule[] rules = new Rule[COUNT];
    final long[] values = new long[COUNT];

    CfaRow() {
        Arrays.fill(rules, Rule.SAME);
    }

    CfaRow copy() {
        CfaRow c = new CfaRow();
        c.cfaRegister = cfaRegister;
        c.cfaOffset = cfaOffset;
        c.cfaUnsupported = cfaUnsupported;
        System.arraycopy(rules, 0, c.rules, 0, COUNT);
        System.arraycopy(values, 0, c.values, 0, COUNT);
        return c;
    }

    void set(long register, Rule rule, long value) {
        if (register >= 0 && register < COUNT) {
            rules[(int) register] = rule;
            values[(int) register] = value;
        }
    }

    void restore(long register, CfaRow initial) {
        if (register >= 0 && register < COUNT) {
            rules[(int) register] = initial.rules[(int) register];
            values[(int) register] = initial.values[(int) register];
        }
    }
}
