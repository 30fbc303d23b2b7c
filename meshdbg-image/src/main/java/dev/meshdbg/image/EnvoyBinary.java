package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Envoy that goes into the image: an ELF executable of the image's architecture with a GNU
 * build-id (the client matches its local symbols by it). With {@code --strip-debug} the file is
 * the {@link DebugStripper}'s copy, with the same build-id and code.
 *
 * @param source the local file given on the command line
 * @param file the file that goes into the layer (the source, or its stripped copy)
 */
public record EnvoyBinary(Path source, Path file, BuildId buildId, long size, boolean stripped) {

    /** Checks the local Envoy and, if asked, strips it through the cache. */
    public static EnvoyBinary prepare(Path envoy, ImagePlatform platform, boolean stripDebug, Path cacheDir) {
        BuildId id = check(envoy, platform);
        Path file = stripDebug ? new DebugStripper(cacheDir.resolve("stripped")).strip(envoy, id) : envoy;
        try {
            return new EnvoyBinary(envoy, file, id, Files.size(file), stripDebug);
        } catch (java.io.IOException e) {
            throw MeshdbgException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the build-id of a loadable ELF of the platform's machine; anything else is bad input. */
    static BuildId check(Path envoy, ImagePlatform platform) {
        try (ElfFile elf = ElfFile.open(envoy)) {
            if (elf.type() != ElfFile.ET_EXEC && elf.type() != ElfFile.ET_DYN) {
                throw MeshdbgException.badInput(envoy + " is an ELF " + elf.typeName() + ", not an executable: give the Envoy binary");
            }
            if (!elf.machine().equals(platform.elfMachine())) {
                throw MeshdbgException.badInput(envoy + " is built for " + elf.machine() + " but the image is for "
                        + platform.label() + " (" + platform.elfMachine() + "): give --platform to match the binary");
            }
            return elf.buildId().orElseThrow(() -> MeshdbgException.badInput(envoy
                    + " has no GNU build-id note, so its symbols could not be matched: link it with -Wl,--build-id"));
        }
    }

    /** Checks a split-DWARF package: an ELF file of the platform's machine. */
    static void checkDwp(Path dwp, ImagePlatform platform) {
        try (ElfFile elf = ElfFile.open(dwp)) {
            if (!elf.machine().equals(platform.elfMachine())) {
                throw MeshdbgException.badInput(dwp + " is for " + elf.machine() + ", not " + platform.elfMachine());
            }
        }
    }
}
