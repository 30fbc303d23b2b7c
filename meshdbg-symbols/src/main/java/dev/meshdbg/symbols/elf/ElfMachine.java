package dev.meshdbg.symbols.elf;

/** Names for e_machine values, spelled as Debian's and LLVM's triples spell them. */
final class ElfMachine {
    private ElfMachine() {
    }

    static String name(int machine) {
        return switch (machine) {
            case 62 -> "x86_64";
            case 183 -> "aarch64";
            case 243 -> "riscv64";
            case 21 -> "ppc64";
            case 22 -> "s390x";
            case 8 -> "mips64";
            case 258 -> "loongarch64";
            case 43 -> "sparcv9";
            case 3 -> "i386";
            case 40 -> "arm";
            default -> "unknown(" + machine + ")";
        };
    }
}
