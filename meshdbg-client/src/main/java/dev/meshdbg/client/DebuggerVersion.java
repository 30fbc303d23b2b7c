package dev.meshdbg.client;

import dev.meshdbg.errors.MeshdbgException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A debugger's version as read from its {@code --version} output. For Apple's lldb, which numbers
 * its builds ({@code lldb-1500.0.404.7}) instead of following LLVM, {@code major} is the LLVM
 * release the build is based on, as far as Xcode's release notes tell, and {@code apple} is set.
 */
public record DebuggerVersion(Debugger debugger, int major, int minor, int patch, boolean apple, String text) {
    private static final Pattern LLDB = Pattern.compile("lldb version (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Pattern APPLE_LLDB = Pattern.compile("lldb-(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
    private static final Pattern NUMBER = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** Parses the first lines printed by {@code lldb --version} or {@code gdb --version}. */
    public static DebuggerVersion parse(Debugger debugger, String versionOutput) {
        String first = firstLine(versionOutput);
        if (debugger == Debugger.LLDB) {
            Matcher m = LLDB.matcher(versionOutput);
            if (m.find()) {
                return of(debugger, m, false, first);
            }
            m = APPLE_LLDB.matcher(first);
            if (m.find()) {
                int build = Integer.parseInt(m.group(1));
                return new DebuggerVersion(debugger, appleLlvmMajor(build), build % 100, 0, true, first);
            }
        } else if (first.startsWith("GNU gdb")) {
            // "GNU gdb (Debian 13.1-3) 13.1": the vendor's parenthesis may hold another number.
            Matcher m = NUMBER.matcher(first.replaceAll("\\([^)]*\\)", " "));
            if (m.find()) {
                return of(debugger, m, false, first);
            }
        }
        throw MeshdbgException.failure("cannot read the " + debugger.command() + " version from '" + first + "'", null);
    }

    /**
     * Xcode 14.3's lldb-1403 is based on LLVM 15, Xcode 15's lldb-1500 on LLVM 16, Xcode 16's
     * lldb-1600 on LLVM 17: the Apple build number over 100, plus one, from 15 on; older ones count as 14.
     */
    static int appleLlvmMajor(int build) {
        int xcode = build / 100;
        if (xcode >= 15) {
            return xcode + 1;
        }
        return build >= 1403 ? 15 : 14;
    }

    private static DebuggerVersion of(Debugger debugger, Matcher m, boolean apple, String text) {
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new DebuggerVersion(debugger, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, apple, text);
    }

    private static String firstLine(String output) {
        String s = output == null ? "" : output.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    @Override
    public String toString() {
        return debugger.command() + " " + (apple ? text : major + "." + minor + "." + patch);
    }
}
