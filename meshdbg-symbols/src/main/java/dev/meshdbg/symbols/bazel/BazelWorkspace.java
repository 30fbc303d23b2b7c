package dev.meshdbg.symbols.bazel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a checkout's bazel workspace name: {@code workspace(name = ...)} or {@code module(name = ...)}. */
public final class BazelWorkspace {
    private static final Pattern WORKSPACE_NAME = Pattern.compile("workspace\\s*\\(\\s*name\\s*=\\s*[\"']([\\w.-]+)[\"']");
    private static final Pattern MODULE_NAME = Pattern.compile("module\\s*\\(\\s*name\\s*=\\s*[\"']([\\w.-]+)[\"']");
    private static final long MAX_READ = 1 << 20;

    private BazelWorkspace() {
    }

    /**
     * The names the workspace's execroot directory may have: the declared workspace name, and
     * {@code _main} (bzlmod) when a MODULE.bazel exists.
     */
    public static Set<String> names(Path sourceRoot) {
        Set<String> names = new LinkedHashSet<>();
        for (String file : new String[] {"WORKSPACE", "WORKSPACE.bazel"}) {
            find(sourceRoot.resolve(file), WORKSPACE_NAME, names);
        }
        if (Files.isRegularFile(sourceRoot.resolve("MODULE.bazel"))) {
            names.add("_main");
            find(sourceRoot.resolve("MODULE.bazel"), MODULE_NAME, names);
        }
        return names;
    }

    private static void find(Path file, Pattern pattern, Set<String> into) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= MAX_READ) {
                Matcher m = pattern.matcher(Files.readString(file));
                if (m.find()) {
                    into.add(m.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable WORKSPACE only means we cannot use its name.
        }
    }
}
