package dev.meshdbg.cli.kube;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Distributions install lldb under a versioned name (lldb-19); prefer the newest one on PATH. */
final class LldbFinder {
    private LldbFinder() {
    }

    static String find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (int v = 30; v >= 15; v--) {
            if (onPath(path, "lldb-" + v)) {
                return "lldb-" + v;
            }
        }
        return "lldb";
    }

    private static boolean onPath(String path, String name) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
