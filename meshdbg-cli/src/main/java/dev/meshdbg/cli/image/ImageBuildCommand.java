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

    @Option(names = "--to", paramLabel = "REF", description = "Push to this reference (with --tar: the name inside the tar).")
    String to;

    @Option(names = "--tar", paramLabel = "FILE", description = "Write a 'docker load'-able tar instead of pushing.")
    Path tar;

    @Option(names = "--insecure", description = "The registries may be plain HTTP (or HTTPS with an untrusted certificate).")
    boolean insecure;

    @Option(names = "--strip-debug", description = "Put Envoy without its debug sections (same build-id and code); keep the full file locally for symbols.")
    boolean stripDebug;

    // gdb by default, like attach: gdbserver needs only libc and libstdc++, while lldb-server
    // brings about 85 MB of LLVM libraries into every push.
    @Option(names = "--debugger", paramLabel = "gdb|lldb|both", defaultValue = "gdb",
            description = "Which debug servers to include (default: ${DEFAULT-VALUE}, as attach uses; lldb or both for lldb users).")
    String debugger;

    @Option(names = "--platform", paramLabel = "linux/amd64|linux/arm64", description = "Image platform (default: this machine's).")
    String platform;

    @Option(names = "--envoy-path", paramLabel = "PATH", defaultValue = ImageSpec.DEFAULT_ENVOY_PATH,
            description = "Where the base runs Envoy from (default: ${DEFAULT-VALUE}).")
    String envoyPath;

    @Option(names = "--revision", paramLabel = "REV", description = "Source revision for the label (default: git HEAD of --source-root or of Envoy's directory).")
    String revision;

    @Option(names = "--source-root", paramLabel = "DIR", description = "Envoy's source checkout, for the revision label.")
    Path sourceRoot;

    @Option(names = "--cache", paramLabel = "DIR", description = "Layer, runtime and strip cache (default: ~/.cache/meshdbg).")
    Path cache;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "Use this agent jar instead of meshdbg's own agent classes.")
    Path agentJar;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ImageSource target;
        if (tar != null) {
            target = new ImageSource.Tar(tar, to);
        } else if (to != null) {
            target = new ImageSource.Registry(to);
        } else {
            throw MeshdbgException.badInput("say where the image goes: --to REF (push) or --tar FILE");
        }
        ImageSpec.Builder builder = ImageSpec.builder()
                .base(base.reference != null ? new ImageSource.Registry(base.reference) : new ImageSource.Tar(base.tar, null))
                .target(target).envoy(envoy).dwp(dwp).envoyPath(envoyPath).stripDebug(stripDebug)
                .debugServers(DebugServer.forDebugger(debugger)).insecure(insecure).cacheDir(cache)
                .revision(revision).sourceRoot(sourceRoot).agentJar(agentJar)
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
        print(built);
        return 0;
    }

    private void print(ImageBuild b) {
        print(b, spec.commandLine().getOut(), output.json());
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
