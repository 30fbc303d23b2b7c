package dev.meshdbg.cli.image;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.image.DebugServer;
import dev.meshdbg.image.ImageBuild;
import dev.meshdbg.image.ImageSource;
import dev.meshdbg.image.ImageSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Build meshdbg's agent-only image, for a stock sidecar (attach --image REF):",
            "the agent on its own jlinked Java, gdbserver and lldb-server with their own",
            "libraries and loader, and a static busybox for its launchers and kill(1).",
            "No base image, no Envoy: nothing of the proxy image is used."})
public final class ImageAgentCommand implements Callable<Integer> {
    @Mixin
    ImageTargetOptions target;

    @Option(names = "--debugger", paramLabel = "gdb|lldb|both", defaultValue = "both",
            description = "Which debug servers to include (default: ${DEFAULT-VALUE}).")
    String debugger;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        ImageSpec spec = target.builder().base(new ImageSource.Scratch()).debugServers(DebugServer.forDebugger(debugger)).build();
        ImageBuild built = ImageTargetOptions.build(spec, this.spec.commandLine().getErr(), output.json());
        ImageBuildCommand.print(built, this.spec.commandLine().getOut(), output.json());
        return 0;
    }
}
