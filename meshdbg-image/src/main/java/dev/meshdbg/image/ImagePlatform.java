package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import java.util.Locale;

/** The platforms a debug image can be built for, with the names each world uses for them. */
public enum ImagePlatform {
    AMD64("amd64", "x86_64", "ld-linux-x86-64.so.2"),
    ARM64("arm64", "aarch64", "ld-linux-aarch64.so.1");

    private final String architecture;
    private final String elfMachine;
    private final String loaderName;

    ImagePlatform(String architecture, String elfMachine, String loaderName) {
        this.architecture = architecture;
        this.elfMachine = elfMachine;
        this.loaderName = loaderName;
    }

    /** OCI architecture: amd64, arm64. */
    public String architecture() {
        return architecture;
    }

    /** The ELF machine name as {@code ElfFile.machine()} spells it. */
    public String elfMachine() {
        return elfMachine;
    }

    /** The glibc dynamic loader's file name on this architecture. */
    public String loaderName() {
        return loaderName;
    }

    public String label() {
        return "linux/" + architecture;
    }

    /** Parses {@code linux/amd64} or {@code linux/arm64} (also the bare architecture). */
    public static ImagePlatform parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String arch = t.startsWith("linux/") ? t.substring(6) : t;
        for (ImagePlatform p : values()) {
            if (p.architecture.equals(arch) || p.elfMachine.equals(arch)) {
                return p;
            }
        }
        throw MeshdbgException.badInput("unsupported platform '" + text + "': use linux/amd64 or linux/arm64");
    }

    /** The platform of the machine this runs on: the only one whose debug servers and Java runtime can be bundled. */
    public static ImagePlatform host() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> AMD64;
            case "aarch64", "arm64" -> ARM64;
            default -> throw MeshdbgException.badInput("this machine's architecture (" + arch + ") is not supported for debug images");
        };
    }
}
