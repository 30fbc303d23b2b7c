package dev.meshdbg.agent.stacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a captured stack with the modules' call-frame information (x86-64), falling back to the
 * frame-pointer chain where a pc has none. Reads only the copy of the stack taken during the stop;
 * it ends where the copy does, at a return address of 0, at an undefined return address (the
 * outermost frame, e.g. {@code clone3}), or when the stack pointer stops growing.
 */
final class Unwinder {
    static final int MAX_FRAMES = 256;

    private final Modules modules;

    Unwinder(Modules modules) {
        this.modules = modules;
    }

    List<Frame> unwind(ThreadStack thread) {
        List<Frame> frames = new ArrayList<>();
        long[] regs = thread.registers().clone();
        boolean[] known = new boolean[CfaRow.COUNT];
        java.util.Arrays.fill(known, true);
        long pc = thread.pc();
        for (int depth = 0; depth < MAX_FRAMES && pc != 0; depth++) {
            long lookup = depth == 0 ? pc : pc - 1;
            Optional<Module> module = modules.at(lookup);
            frames.add(frame(pc, lookup, module));
            long sp = regs[ThreadStack.RSP];
            Optional<CfaRow> row = module.flatMap(m -> m.rowAt(lookup));
            long[] next = regs.clone();
            boolean[] nextKnown = known.clone();
            long returnAddress;
            if (row.isPresent() && !row.get().cfaUnsupported && row.get().cfaRegister < CfaRow.COUNT
                    && known[row.get().cfaRegister]) {
                CfaRow r = row.get();
                long cfa = regs[r.cfaRegister] + r.cfaOffset;
                if (r.rules[ThreadStack.RIP] != CfaRow.Rule.OFFSET) {
                    break; // undefined return address: the outermost frame
                }
                Long ra = read(thread, cfa + r.values[ThreadStack.RIP]);
                if (ra == null) {
                    break;
                }
                returnAddress = ra;
                for (int reg = 0; reg < ThreadStack.RIP; reg++) {
                    switch (r.rules[reg]) {
                        case OFFSET -> {
                            Long v = read(thread, cfa + r.values[reg]);
                            next[reg] = v == null ? 0 : v;
                            nextKnown[reg] = v != null;
                        }
                        case VAL_OFFSET -> next[reg] = cfa + r.values[reg];
                        case REGISTER -> {
                            int from = (int) r.values[reg];
                            next[reg] = from < CfaRow.COUNT ? regs[from] : 0;
                            nextKnown[reg] = from < CfaRow.COUNT && known[from];
                        }
                        case UNDEFINED, UNSUPPORTED -> nextKnown[reg] = false;
                        default -> { } // SAME
                    }
                }
                next[ThreadStack.RSP] = cfa;
                nextKnown[ThreadStack.RSP] = true;
            } else {
                long fp = regs[ThreadStack.RBP];
                if (!known[ThreadStack.RBP] || Long.compareUnsigned(fp, sp) < 0) {
                    break;
                }
                Long savedFp = read(thread, fp);
                Long ra = read(thread, fp + 8);
                if (savedFp == null || ra == null) {
                    break;
                }
                returnAddress = ra;
                next[ThreadStack.RBP] = savedFp;
                next[ThreadStack.RSP] = fp + 16;
            }
            if (Long.compareUnsigned(next[ThreadStack.RSP], sp) <= 0) {
                break; // no progress: a loop in a corrupt stack
            }
            regs = next;
            known = nextKnown;
            regs[ThreadStack.RIP] = returnAddress;
            pc = returnAddress;
        }
        return frames;
    }

    private static Frame frame(long pc, long lookup, Optional<Module> module) {
        if (module.isEmpty()) {
            return new Frame(pc, lookup, Optional.empty(), lookup, false, Optional.empty(), 0);
        }
        Module m = module.get();
        long address = m.toModule(lookup);
        Optional<ElfSymbols.Symbol> symbol = m.symbolAt(address);
        return new Frame(pc, lookup, Optional.of(m.path()), address, m.main(), symbol.map(ElfSymbols.Symbol::name),
                symbol.map(ElfSymbols.Symbol::offset).orElse(0L));
    }

    /** Eight bytes of the captured stack, or null outside the copy. */
    private static Long read(ThreadStack thread, long address) {
        long at = address - thread.stackStart();
        if (at < 0 || at + 8 > thread.stack().length) {
            return null;
        }
        byte[] s = thread.stack();
        int i = (int) at;
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = (v << 8) | (s[i + k] & 0xff);
        }
        return v;
    }
}
