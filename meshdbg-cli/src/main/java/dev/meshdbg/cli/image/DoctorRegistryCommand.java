package dev.meshdbg.cli.image;

import dev.meshdbg.cli.ExitCodes;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.image.registry.ContainerdRegistryConfig;
import dev.meshdbg.image.registry.RegistryProbe;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "registry", mixinStandardHelpOptions = true,
        description = {"Tell whether a registry speaks HTTPS or plain HTTP, and print the containerd",
            "configuration nodes need to pull from it (config.toml mirrors for containerd 1.x,",
            "hosts.toml for 1.7/2.x) with the commands that check whether a node has it.",
            "Exit code 1 when the registry does not answer at all."})
public final class DoctorRegistryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REF", description = "A registry (192.168.122.1:5000) or an image reference in it.")
    String reference;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", description = "Per request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RegistryProbe.Result r = new RegistryProbe(Duration.ofSeconds(timeoutSeconds)).probe(reference);
        ContainerdRegistryConfig config = ContainerdRegistryConfig.forRegistry(r.host(), r.mode());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("registry", r.host());
            json.put("mode", r.mode().name().toLowerCase(java.util.Locale.ROOT));
            json.put("https", r.https());
            json.put("http", r.http());
            json.put("containerd", config);
            OutputOption.printJson(out, json);
        } else {
            printText(out, r, config);
        }
        return r.mode() == RegistryProbe.Mode.UNREACHABLE ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static void printText(PrintWriter out, RegistryProbe.Result r, ContainerdRegistryConfig config) {
        out.println("registry " + r.host());
        out.println("  https: " + describe(r.https()));
        out.println("  http:  " + describe(r.http()));
        switch (r.mode()) {
            case HTTPS -> out.println("speaks HTTPS with a trusted certificate: nodes need no extra configuration.");
            case HTTPS_UNTRUSTED -> out.println("speaks HTTPS with a certificate this machine does not trust: nodes need skip_verify (or the CA).");
            case HTTP -> out.println("speaks plain HTTP only: push with --insecure, and configure every node's containerd as below.");
            case UNREACHABLE -> out.println("does not answer over HTTPS or HTTP from here: check the address and that the registry runs.");
        }
        if (config.needed()) {
            out.println();
            out.println("containerd 1.x (config.toml, registry.mirrors):");
            out.print(indent(config.configToml()));
            out.println();
            out.println("containerd 1.7 / 2.x (hosts.toml):");
            out.print(indent(config.hostsToml()));
            out.print(indent(config.configPathToml()));
        }
        out.println();
        out.println("check on a node:");
        config.checks().forEach(c -> out.println("  " + c));
        out.flush();
    }

    private static String describe(RegistryProbe.Attempt a) {
        if (a.answered()) {
            return a.url() + " -> " + a.status() + (a.status() == 401 ? " (answers; wants credentials)" : "");
        }
        return a.url() + " -> " + a.error();
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        text.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }
}
