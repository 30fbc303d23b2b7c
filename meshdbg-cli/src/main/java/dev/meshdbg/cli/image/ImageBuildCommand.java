package dev.meshdbg.cli.image;

import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.image.DebugServer;
import dev.meshdbg.image.ImageBuild;
import dev.meshdbg.image.ImageSource;
import dev.meshdbg.image.ImageSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Put a debug Envoy, the meshdbg agent (on its own jlinked Java) and gdbserver/lldb-server",
            "(with their own libraries and loader) on top of a proxy image, and push it, without a Docker daemon.",
            "The base image's entrypoint, cmd, env and user stay as they are."})
public final class ImageBuildCommand implements Callable<Integer> {
    static final class Base {
        @Option(names = "--from", paramLabel = "REF", required = true, description = "Base image, e.g. docker.io/istio/proxyv2:1.17.2.")
        String reference;

        @Option(names = "--from-tar", paramLabel = "FILE", required = true, description = "Base image as a 'docker save' tar.")
        Path tar;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Base base;

    @Option(names = "--envoy", paramLabel = "FILE", required = true, description = "The Envoy binary (with or without debug info).")
    Path envoy;

    @Option(names = "--dwp", paramLabel = "FILE", description = "Its split-DWARF package; goes next to Envoy as ENVOY_PATH.dwp.")
    Path dwp;

    @Option(names = "--strip-debug", description = "Put Envoy without its debug sections (same build-id and code); keep the full file locally for symbols.")
    boolean stripDebug;

    // gdb by default, like attach: gdbserver needs only libc and libstdc++, while lldb-server
    // brings about 85 MB of LLVM libraries into every push.
    @Option(names = "--debugger", paramLabel = "gdb|lldb|both", defaultValue = "gdb",
            description = "Which debug servers to include (default: ${DEFAULT-VALUE}, as attach uses; lldb or both for lldb users).")
    String debugger;

    @Option(names = "--envoy-path", paramLabel = "PATH", defaultValue = ImageSpec.DEFAULT_ENVOY_PATH,
            description = "Where the base runs Envoy from (default: ${DEFAULT-VALUE}).")
    String envoyPath;

    @Option(names = "--revision", paramLabel = "REV", description = "Source revision for the label (default: git HEAD of --source-root or of Envoy's directory).")
    String revision;

    @Option(names = "--source-root", paramLabel = "DIR", description = "Envoy's source checkout, for the revision label.")
    Path sourceRoot;

    @Mixin
    ImageTargetOptions target;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ImageSpec spec = target.builder()
                .base(base.reference != null ? new ImageSource.Registry(base.reference) : new ImageSource.Tar(base.tar, null))
                .envoy(envoy).dwp(dwp).envoyPath(envoyPath).stripDebug(stripDebug)
                .debugServers(DebugServer.forDebugger(debugger)).revision(revision).sourceRoot(sourceRoot).build();
        ImageBuild built = ImageTargetOptions.build(spec, this.spec.commandLine().getErr(), output.json());
        print(built);
        return 0;
    }

    private void print(ImageBuild b) {
        print(b, this.spec.commandLine().getOut(), output.json());
    }

    static void print(ImageBuild b, PrintWriter out, boolean json) {
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("image", b.image());
            fields.put("digest", b.digest());
            fields.put("pushed", b.pushed());
            if (b.envoy() != null) {
                fields.put("buildId", b.envoy().buildId().hex());
                fields.put("envoyStripped", b.envoy().stripped());
                fields.put("envoyBytes", b.envoy().size());
            }
            fields.put("labels", b.labels());
            fields.put("layers", b.layers());
            fields.put("blobsUploaded", b.upload().uploaded());
            fields.put("blobsAlreadyThere", b.upload().skipped());
            fields.put("bytesUploaded", b.upload().bytesSent());
            fields.put("seconds", b.elapsed().toMillis() / 1000.0);
            fields.put("next", b.nextCommand());
            OutputOption.printJson(out, fields);
            return;
        }
        out.println((b.pushed() ? "pushed " : "wrote ") + b.image() + " (" + b.digest() + ")");
        if (b.envoy() != null) out.println("  envoy build-id " + b.envoy().buildId() + (b.envoy().stripped() ? ", debug sections stripped" : "")
                + ", " + UploadDisplay.size(b.envoy().size()));
        if (b.pushed()) {
            out.println(String.format(java.util.Locale.ROOT, "  uploaded %d of %d blobs, %s in %.1f s",
                    b.upload().uploaded(), b.upload().blobs(), UploadDisplay.size(b.upload().bytesSent()), b.elapsed().toMillis() / 1000.0));
        }
        out.println("next: " + b.nextCommand());
        out.flush();
    }
}
