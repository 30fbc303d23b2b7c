package dev.meshdbg.cli.symbols;

import dev.meshdbg.cli.Sizes;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.bazel.DebugBuild;
import dev.meshdbg.symbols.bazel.DebugBuildFinder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "find", mixinStandardHelpOptions = true,
        description = {"Find the Envoy build outputs of an istio/proxy or envoy checkout (bazel-bin, bazel-out/*/bin,",
            "and the output bases in ~/.cache/bazel), newest first, with their .dwp and whether they have debug info."})
final class FindCommand implements Runnable {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    @Option(names = "--source-root", paramLabel = "DIR", defaultValue = ".",
            description = "The checkout (default: the current directory).")
    Path sourceRoot;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        List<DebugBuild> builds = DebugBuildFinder.find(sourceRoot, Path.of(System.getProperty("user.home")));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            List<Object> list = new ArrayList<>();
            builds.forEach(b -> list.add(json(b)));
            out.println(JsonText.write(InspectJson.ordered("schemaVersion", InspectJson.SCHEMA_VERSION,
                    "sourceRoot", sourceRoot.toAbsolutePath().normalize().toString(), "builds", list)));
        } else if (builds.isEmpty()) {
            out.printf("no Envoy build outputs under %s (looked in bazel-bin, bazel-out/*/bin and ~/.cache/bazel)%n",
                    sourceRoot.toAbsolutePath().normalize());
        } else {
            for (DebugBuild b : builds) {
                String debug = b.error() != null ? "unreadable: " + b.error() : b.hasDebugInfo() ? "debug info" : "no debug info";
                out.printf("%s  %10s  %-13s %-12s %s%s%n", WHEN.format(b.modified()), Sizes.human(b.size()), debug,
                        b.config().isEmpty() ? "bazel-bin" : b.config(), b.path(),
                        b.dwp().map(d -> "  + " + d.getFileName()).orElse(""));
            }
        }
        out.flush();
    }

    private static Map<String, Object> json(DebugBuild b) {
        Map<String, Object> m = InspectJson.ordered("path", b.path().toString(), "realPath", b.realPath().toString(),
                "config", b.config(), "sizeBytes", b.size(), "modified", b.modified().toString());
        m.put("hasDebugInfo", b.hasDebugInfo());
        m.put("buildId", b.buildId().map(BuildId::hex).orElse(null));
        m.put("dwp", b.dwp().map(Path::toString).orElse(null));
        m.put("error", b.error());
        return m;
    }
}
