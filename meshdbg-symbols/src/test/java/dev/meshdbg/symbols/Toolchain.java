package dev.meshdbg.symbols;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real compilers and DWARF tools the tests build and cross-check binaries with. A test
 * whose tool is missing is skipped, saying which tool; setup.sh installs all of them.
 */
public final class Toolchain {
    /** A small C program in two translation units. */
    public static final String MAIN_C = "#include <stdio.h>\nint twice(int);\nint main(int argc, char **argv) {\n"
            + "  printf(\"%d\\n\", twice(argc));\n  return 0;\n}\n";
    public static final String LIB_C = "int twice(int x) { return 2 * x; }\n";
    /** A small C++ program with std types and a class, in two translation units. */
    public static final String MAIN_CC = "#include <map>\n#include <string>\n#include <vector>\n"
            + "struct Listener { std::string name; std::vector<int> ports; };\n"
            + "int count(const std::map<std::string, Listener>& m);\n"
            + "int main() {\n  std::map<std::string, Listener> m;\n  m[\"a\"] = Listener{\"a\", {80, 443}};\n"
            + "  return count(m) == 1 ? 0 : 1;\n}\n";
    public static final String LIB_CC = "#include <map>\n#include <string>\n#include <vector>\n"
            + "struct Listener { std::string name; std::vector<int> ports; };\n"
            + "int count(const std::map<std::string, Listener>& m) { return static_cast<int>(m.size()); }\n";

    private Toolchain() {
    }

    public static void require(String tool) {
        assumeTrue(onPath(tool), tool + " is not installed (./setup.sh --deps installs it)");
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code dir}, failing the test with its output when it exits non-zero. */
    public static String run(Path dir, String... command) {
        return run(dir, List.of(command));
    }

    public static String run(Path dir, List<String> command) {
        try {
            Path log = Files.createTempFile(dir, "cmd", ".log");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (p.exitValue() != 0) {
                throw new AssertionError("failed (" + p.exitValue() + "): " + command + "\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Writes the two-file C or C++ program into {@code dir} and returns the source file names. */
    public static List<String> writeProgram(Path dir, boolean cxx) throws IOException {
        Files.createDirectories(dir);
        String ext = cxx ? ".cc" : ".c";
        Files.writeString(dir.resolve("main" + ext), cxx ? MAIN_CC : MAIN_C);
        Files.writeString(dir.resolve("lib" + ext), cxx ? LIB_CC : LIB_C);
        return List.of("main" + ext, "lib" + ext);
    }

    /** Compiles {@code sources} in {@code dir} with {@code compiler} and {@code flags} into {@code output}. */
    public static Path compile(Path dir, String compiler, List<String> flags, List<String> sources, String output) {
        require(compiler);
        List<String> cmd = new ArrayList<>();
        cmd.add(compiler);
        cmd.addAll(flags);
        cmd.addAll(sources);
        cmd.add("-o");
        cmd.add(output);
        run(dir, cmd);
        return dir.resolve(output);
    }
}
