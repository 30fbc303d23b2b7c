package dev.meshdbg.agent.it;

import dev.meshdbg.demo.EnvoyLike;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Shared set-up of the integration tests: envoy-like built once, under a name unique to this run. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code XXXXenvoy-like}: still "envoy-like" at the end, and never the name of another test's target. */
    static String uniqueName() {
        byte[] b = new byte[2];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b) + "envoy-like";
    }

    static Path renamed(EnvoyLike.Build build, String name) throws IOException {
        Path copy = build.binary().resolveSibling(name);
        Files.copy(build.binary(), copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }

    static boolean root() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
