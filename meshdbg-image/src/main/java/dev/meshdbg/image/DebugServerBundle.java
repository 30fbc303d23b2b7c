package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** The debug servers found on this machine, checked against the image's architecture. */
public record DebugServerBundle(Map<DebugServer, Path> binaries) {

    public static DebugServerBundle find(Set<DebugServer> wanted, ImagePlatform platform) {
        Map<DebugServer, Path> found = new EnumMap<>(DebugServer.class);
        for (DebugServer server : wanted) {
            Path binary = server.hostCandidates().stream()
                    .map(SharedLibraries::onPath)
                    .flatMap(java.util.Optional::stream)
                    .findFirst()
                    .map(SharedLibraries::realPath)
                    .orElseThrow(() -> MeshdbgException.badInput("no " + server.imageName() + " on this machine (looked for "
                            + String.join(", ", server.hostCandidates()) + "): install it, or choose another --debugger"));
            try (ElfFile elf = ElfFile.open(binary)) {
                if (!elf.machine().equals(platform.elfMachine())) {
                    throw MeshdbgException.badInput(binary + " is for " + elf.machine() + ", not " + platform.elfMachine()
                            + ": build a " + platform.label() + " image on a " + platform.label() + " machine");
                }
            }
            found.put(server, binary);
        }
        return new DebugServerBundle(found);
    }
}
