package dev.meshdbg.symbols.symbolize;

import dev.meshdbg.errors.MeshdbgException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Function, file:line and inlined frames for addresses of one ELF file, by {@code llvm-symbolizer
 * --inlining}: it reads split DWARF too (a {@code FILE.dwp} beside the file, or the {@code .dwo}
 * files the skeleton units name) and falls back to the symbol table where there is no DWARF.
 * Found by version, newest first, since Debian's llvm-19 installs {@code llvm-symbolizer-19} and
 * {@code /usr/lib/llvm-19/bin/llvm-symbolizer}, no plain name.
 */
public final class LlvmSymbolizer {
    /** The package that brings it on Debian 12. */
    public static final String PACKAGE = "llvm-19";
    private static final Pattern NAME = Pattern.compile("llvm-symbolizer(-(\\d+))?");
    private static final Pattern LLVM_DIR = Pattern.compile("llvm-(\\d+)");
    private static final Pattern LOCATION = Pattern.compile("(.*?):(\\d+)(?::(\\d+))?");

    private final Path executable;

    public LlvmSymbolizer(Path executable) {
        this.executable = executable;
    }

    /** The newest llvm-symbolizer on PATH or in /usr/lib/llvm-N/bin. */
    public static Optional<LlvmSymbolizer> find() {
        List<Path> found = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                matching(Path.of(dir), NAME).stream().filter(Files::isExecutable).forEach(found::add);
            }
        }
        for (Path llvm : matching(Path.of("/usr/lib"), LLVM_DIR)) {
            Path p = llvm.resolve("bin/llvm-symbolizer");
            if (Files.isExecutable(p)) {
                found.add(p);
            }
        }
        return found.stream().max(Comparator.comparingInt(LlvmSymbolizer::version)).map(LlvmSymbolizer::new);
    }

    public Path executable() {
        return executable;
    }

    /**
     * Symbolizes {@code addresses} (the file's own virtual addresses) in one run. An address the
     * file says nothing about maps to an empty list.
     */
    public Map<Long, List<SourceLocation>> symbolize(Path file, List<Long> addresses) {
        Map<Long, List<SourceLocation>> out = new LinkedHashMap<>();
        if (addresses.isEmpty()) {
            return out;
        }
        List<String> command = List.of(executable.toString(), "--obj=" + file, "--inlining", "--demangle",
                "--functions=linkage", "--output-style=LLVM");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot run " + executable + ": " + e.getMessage(), e);
        }
        Thread feeder = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                for (long a : addresses) {
                    in.write(("0x" + Long.toHexString(a) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // It exited early; what it printed is all there is.
            }
        }, "llvm-symbolizer-input");
        feeder.setDaemon(true);
        feeder.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            int next = 0;
            List<SourceLocation> current = new ArrayList<>();
            for (String function; (function = r.readLine()) != null; ) {
                if (function.isEmpty()) {
                    if (next < addresses.size()) {
                        out.put(addresses.get(next++), known(current));
                    }
                    current = new ArrayList<>();
                    continue;
                }
                String where = r.readLine();
                current.add(location(function, where == null ? "" : where));
            }
            p.waitFor();
        } catch (IOException e) {
            throw MeshdbgException.failure("reading " + executable + "'s output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        return out;
    }

    /** Drops the {@code ??} placeholder llvm-symbolizer prints for an address it knows nothing about. */
    private static List<SourceLocation> known(List<SourceLocation> all) {
        return all.stream().filter(l -> !(l.function().isEmpty() && l.file().isEmpty())).toList();
    }

    static SourceLocation location(String function, String where) {
        String name = function.equals("??") ? "" : function;
        Matcher m = LOCATION.matcher(where);
        if (!m.matches() || m.group(1).equals("??")) {
            return new SourceLocation(name, "", 0, 0);
        }
        return new SourceLocation(name, m.group(1), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    private static List<Path> matching(Path dir, Pattern name) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (name.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            // No such directory.
        }
        return out;
    }

    static int version(Path p) {
        Matcher m = Pattern.compile("(?:llvm-symbolizer-|llvm-)(\\d+)").matcher(p.toString());
        int v = 0;
        while (m.find()) {
            v = Math.max(v, Integer.parseInt(m.group(1)));
        }
        return v;
    }
}
