package dev.meshdbg.cli.image;

import dev.meshdbg.cli.MeshdbgCommand;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.image.DebugServer;
import dev.meshdbg.image.ImageBuild;
import dev.meshdbg.image.ImageBuilder;
import dev.meshdbg.image.ImagePlatform;
import dev.meshdbg.image.ImageSource;
import dev.meshdbg.image.ImageSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Build meshdbg's agent-only image: the agent on its own jlinked Java, gdbserver and lldb-server with",
            "their own libraries and loader, a static busybox for its launchers and kill(1); no base, no Envoy.",
            "With --image set to it, `meshdbg attach POD` debugs a stock sidecar: nothing of the proxy image is used."})
public final class ImageAgentCommand implements Callable<Integer> {
    @Option(names = "--to", paramLabel = "REF", description = "Push to this reference (with --tar: the name inside the tar).")
    String to;

    @Option(names = "--tar", paramLabel = "FILE", description = "Write a 'docker load'-able tar instead of pushing.")
    Path tar;

    @Option(names = "--insecure", description = "The registry may be plain HTTP (or HTTPS with an untrusted certificate).")
    boolean insecure;

    @Option(names = "--debugger", paramLabel = "gdb|lldb|both", defaultValue = "both",
            description = "Which debug servers to include (default: ${DEFAULT-VALUE}).")
    String debugger;

    @Option(names = "--platform", paramLabel = "linux/amd64|linux/arm64", description = "Image platform (default: this machine's).")
    String platform;

    @Option(names = "--cache", paramLabel = "DIR", description = "Layer and runtime cache (default: ~/.cache/meshdbg).")
    Path cache;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "Use this agent jar instead of meshdbg's own agent classes.")
    Path agentJar;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        ImageSource target;
        if (tar != null) {
            target = new ImageSource.Tar(tar, to);
        } else if (to != null) {
            target = new ImageSource.Registry(to);
        } else {
            throw MeshdbgException.badInput("say where the image goes: --to REF (push) or --tar FILE");
        }
        ImageSpec.Builder builder = ImageSpec.builder().base(new ImageSource.Scratch()).target(target)
                .debugServers(DebugServer.forDebugger(debugger)).insecure(insecure).cacheDir(cache).agentJar(agentJar)
                .meshdbgVersion(MeshdbgCommand.Version.current());
        if (platform != null) {
            builder.platform(ImagePlatform.parse(platform));
        }
        UploadDisplay display = new UploadDisplay(spec.commandLine().getErr(), System.console() != null && !output.json());
        ImageBuild built;
        try {
            built = new ImageBuilder(display).build(builder.build());
        } finally {
            display.end();
        }
        ImageBuildCommand.print(built, spec.commandLine().getOut(), output.json());
        return 0;
    }
}
