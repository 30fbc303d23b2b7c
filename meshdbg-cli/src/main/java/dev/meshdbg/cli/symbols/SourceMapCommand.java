package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.symbols.bazel.ExecutionRoot;
import dev.meshdbg.symbols.sourcemap.BinarySourceMap;
import dev.meshdbg.symbols.sourcemap.SourceCoverage;
import dev.meshdbg.symbols.sourcemap.SourceMap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sourcemap", mixinStandardHelpOptions = true,
        description = {"Print the remote-prefix -> local-path map a debugger needs for FILE's sources,",
            "and check how many units' source files it finds in the checkout."})
final class SourceMapCommand implements Runnable {
    @Parameters(paramLabel = "FILE", description = "The debug binary (e.g. bazel-bin/source/exe/envoy-static).")
    Path file;

    @Option(names = "--source-root", required = true, paramLabel = "DIR",
            description = "The checkout the binary was built from (the bazel workspace).")
    Path sourceRoot;

    @Option(names = "--execution-root", paramLabel = "DIR",
            description = "bazel's execution root (bazel info execution_root); discovered when omitted.")
    Path executionRoot;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        BinarySourceMap result = BinarySourceMap.derive(file, sourceRoot, Optional.ofNullable(executionRoot),
                System.getenv("PATH"), Path.of(System.getProperty("user.home")));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(JsonText.write(json(result)));
        } else {
            text(out, result);
        }
        out.flush();
    }

    static Map<String, Object> json(BinarySourceMap r) {
        List<Object> entries = new ArrayList<>();
        for (SourceMap.Entry e : r.map().entries()) {
            entries.add(InspectJson.ordered("remotePrefix", e.remotePrefix(), "localPath", e.localPath()));
        }
        SourceCoverage c = r.coverage();
        List<Object> unresolved = new ArrayList<>();
        for (SourceCoverage.Unresolved u : c.unresolved()) {
            unresolved.add(InspectJson.ordered("prefix", u.prefix(), "kind", u.kind(), "mapped", u.mapped(),
                    "files", u.files(), "example", u.example()));
        }
        Map<String, Object> coverage = InspectJson.ordered("sourceFiles", c.sourceFiles(), "found", c.found(),
                "mappedButMissing", c.mappedButMissing(), "unmapped", c.unmapped());
        coverage.put("unresolved", unresolved);
        Map<String, Object> m = InspectJson.ordered("schemaVersion", InspectJson.SCHEMA_VERSION,
                "file", r.binary().toString(), "sourceRoot", r.sourceRoot().toString());
        m.put("executionRoot", r.executionRoot()
                .map(e -> (Object) InspectJson.ordered("path", e.path().toString(), "foundBy", e.foundBy())).orElse(null));
        m.put("sourceMap", entries);
        m.put("coverage", coverage);
        return m;
    }

    private static void text(PrintWriter out, BinarySourceMap r) {
        Optional<ExecutionRoot> exec = r.executionRoot();
        out.printf("execution root: %s%n", exec.map(e -> e.path() + " (from " + e.foundBy() + ")")
                .orElse("not found: external/ and bazel-out/ stay unmapped; pass --execution-root DIR"));
        out.printf("source map (most specific first):%n");
        for (SourceMap.Entry e : r.map().entries()) {
            out.printf("  %s -> %s%n", e.remotePrefix(), e.localPath());
        }
        SourceCoverage c = r.coverage();
        out.printf("coverage: %d of %d units' source files found locally (%d mapped but missing, %d unmapped)%n",
                c.found(), c.sourceFiles(), c.mappedButMissing(), c.unmapped());
        if (!c.unresolved().isEmpty()) {
            out.printf("unresolved:%n");
            for (SourceCoverage.Unresolved u : c.unresolved()) {
                out.printf("  %-50s %-17s %-7s %6d files  e.g. %s%n", u.prefix(), u.kind(),
                        u.mapped() ? "mapped" : "unmapped", u.files(), u.example());
            }
        }
    }
}
