package dev.meshdbg.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What to type to install a good debugger on this machine, from {@code /etc/os-release}. */
final class InstallAdvice {
    private InstallAdvice() {
    }

    static String lldb() {
        return switch (os()) {
            case "debian", "ubuntu" -> "apt-get install lldb-19";
            case "fedora", "rhel", "centos" -> "dnf install lldb";
            case "macos" -> "xcode-select --install, or brew install llvm";
            default -> "lldb 19 from your distribution or apt.llvm.org";
        };
    }

    static String gdb() {
        return switch (os()) {
            case "debian", "ubuntu" -> "apt-get install gdb";
            case "fedora", "rhel", "centos" -> "dnf install gdb";
            case "macos" -> "gdb does not debug Linux targets from macOS here; use lldb";
            default -> "gdb from your distribution";
        };
    }

    static String forDebugger(Debugger debugger) {
        return debugger == Debugger.LLDB ? lldb() : gdb();
    }

    private static String os() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) {
            return "macos";
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("ID=")) {
                    return line.substring(3).replace("\"", "").strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // No os-release: fall back to generic advice.
        }
        return "unknown";
    }
}
