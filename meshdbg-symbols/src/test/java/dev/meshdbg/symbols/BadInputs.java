package dev.meshdbg.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The bad inputs the issue lists, made from a real binary: each must give one line and exit code 2. */
public final class BadInputs {
    private BadInputs() {
    }

    /** Case name → path, all under {@code dir}; {@code good} is a valid 64-bit ELF file to damage. */
    public static Map<String, Path> make(Path dir, Path good) throws IOException {
        byte[] elf = Files.readAllBytes(good);
        Map<String, Path> cases = new LinkedHashMap<>();
        cases.put("missing file", dir.resolve("does-not-exist"));
        cases.put("directory", Files.createDirectories(dir.resolve("a-directory")));
        cases.put("0 bytes", Files.write(dir.resolve("empty"), new byte[0]));
        cases.put("truncated ELF", Files.write(dir.resolve("truncated"), Arrays.copyOf(elf, elf.length / 3)));
        cases.put("short header", Files.write(dir.resolve("short-header"), Arrays.copyOf(elf, 40)));
        byte[] random = new byte[8192];
        new Random(42).nextBytes(random);
        cases.put("random bytes", Files.write(dir.resolve("random"), random));
        cases.put("text file", Files.writeString(dir.resolve("notes.txt"), "not a binary\n"));
        byte[] elf32 = elf.clone();
        elf32[4] = 1;
        cases.put("ELF32", Files.write(dir.resolve("elf32"), elf32));
        byte[] bigEndian = elf.clone();
        bigEndian[5] = 2;
        cases.put("big-endian", Files.write(dir.resolve("big-endian"), bigEndian));
        byte[] pastEnd = elf.clone();
        ByteBuffer.wrap(pastEnd).order(ByteOrder.LITTLE_ENDIAN).putLong(40, elf.length + 4096L);
        cases.put("section table past the end", Files.write(dir.resolve("shoff-past-end"), pastEnd));
        byte[] hugeCount = elf.clone();
        ByteBuffer.wrap(hugeCount).order(ByteOrder.LITTLE_ENDIAN).putShort(60, (short) 0xfff0);
        cases.put("section count past the end", Files.write(dir.resolve("shnum-past-end"), hugeCount));
        return cases;
    }
}
