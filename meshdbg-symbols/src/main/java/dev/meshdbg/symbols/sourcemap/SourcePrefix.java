package dev.meshdbg.symbols.sourcemap;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The leading part of a source path that decides where it lives: the bazel workspace seen through
 * {@code /proc/self/cwd}, external repositories, generated files under {@code bazel-out}, a
 * per-action sandbox execroot of the build machine, or a plain absolute system path.
 */
public record SourcePrefix(String prefix, Kind kind) {
    /** What kind of place a prefix names. */
    public enum Kind {
        /** {@code /proc/self/cwd}: bazel's execroot as seen by the compiler, i.e. the workspace sources. */
        WORKSPACE,
        /** {@code /proc/self/cwd/external} or a relative {@code external/}: external repositories. */
        EXTERNAL,
        /** {@code /proc/self/cwd/bazel-out} or a relative {@code bazel-out/}: generated sources. */
        BAZEL_OUT,
        /** {@code .../sandbox/<strategy>/<N>/execroot/<ws>}: one action's sandbox on the build machine. */
        SANDBOX_EXECROOT,
        /** {@code .../execroot/<ws>} outside a sandbox: the build machine's execution root. */
        EXECROOT,
        /** Any other absolute path, e.g. /usr/include or a libc built elsewhere. */
        ABSOLUTE,
        /** A relative path with no compilation directory to anchor it. */
        RELATIVE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final String PROC_SELF_CWD = "/proc/self/cwd";
    private static final Pattern SANDBOX = Pattern.compile("^(.*/sandbox/[^/]+/\\d+/execroot/[^/]+)(?:/|$)");
    private static final Pattern EXECROOT = Pattern.compile("^(.*/execroot/[^/]+)(?:/|$)");

    /** Classifies a unit's primary source path (already joined with its compilation directory). */
    public static SourcePrefix of(String path) {
        Matcher m = SANDBOX.matcher(path);
        if (m.find()) {
            return new SourcePrefix(m.group(1), Kind.SANDBOX_EXECROOT);
        }
        m = EXECROOT.matcher(path);
        if (m.find()) {
            return new SourcePrefix(m.group(1), Kind.EXECROOT);
        }
        if (under(path, PROC_SELF_CWD + "/external")) {
            return new SourcePrefix(PROC_SELF_CWD + "/external", Kind.EXTERNAL);
        }
        if (under(path, PROC_SELF_CWD + "/bazel-out")) {
            return new SourcePrefix(PROC_SELF_CWD + "/bazel-out", Kind.BAZEL_OUT);
        }
        if (under(path, PROC_SELF_CWD)) {
            return new SourcePrefix(PROC_SELF_CWD, Kind.WORKSPACE);
        }
        if (path.startsWith("/")) {
            return new SourcePrefix(leading(path, 2), Kind.ABSOLUTE);
        }
        String relative = path.startsWith("./") ? path.substring(2) : path;
        if (under(relative, "external")) {
            return new SourcePrefix("external", Kind.EXTERNAL);
        }
        if (under(relative, "bazel-out")) {
            return new SourcePrefix("bazel-out", Kind.BAZEL_OUT);
        }
        return new SourcePrefix(leading(relative, 1), Kind.RELATIVE);
    }

    /** True when {@code path} is {@code prefix} or below it. */
    public static boolean under(String path, String prefix) {
        return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
    }

    /** The first {@code components} directories of a path ("/usr/include" for "/usr/include/stdio.h"). */
    private static String leading(String path, int components) {
        boolean absolute = path.startsWith("/");
        int from = absolute ? 1 : 0;
        int end = from;
        for (int i = 0; i < components; i++) {
            int slash = path.indexOf('/', end);
            if (slash < 0) {
                // The last component is the file itself: keep only directories.
                return i == 0 ? (absolute ? "/" : ".") : path.substring(0, end - 1);
            }
            end = slash + 1;
        }
        return path.substring(0, end - 1);
    }
}
