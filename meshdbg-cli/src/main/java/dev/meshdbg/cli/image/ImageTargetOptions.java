package dev.meshdbg.cli.image;

import dev.meshdbg.cli.MeshdbgCommand;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.image.ImageBuild;
import dev.meshdbg.image.ImageBuilder;
import dev.meshdbg.image.ImagePlatform;
import dev.meshdbg.image.ImageSource;
import dev.meshdbg.image.ImageSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a built image goes and how it is built: what `image build` and `image agent` share. */
final class ImageTargetOptions {
    @Option(names = "--to", paramLabel = "REF", description = "Push to this reference (with --tar: the name inside the tar).")
    String to;

    @Option(names = "--tar", paramLabel = "FILE", description = "Write a 'docker load'-able tar instead of pushing.")
    Path tar;

    @Option(names = "--insecure", description = "The registries may be plain HTTP (or HTTPS with an untrusted certificate).")
    boolean insecure;

    @Option(names = "--platform", paramLabel = "linux/amd64|linux/arm64", description = "Image platform (default: this machine's).")
    String platform;

    @Option(names = "--cache", paramLabel = "DIR", description = "Layer, runtime and strip cache (default: ~/.cache/meshdbg).")
    Path cache;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "Use this agent jar instead of meshdbg's own agent classes.")
    Path agentJar;

    /** A builder with the target and these options set; refuses a missing destination. */
    ImageSpec.Builder builder() throws java.io.IOException {
        ImageSource target;
        if (tar != null) {
            target = new ImageSource.Tar(tar, to);
        } else if (to != null) {
            target = new ImageSource.Registry(to);
        } else {
            throw MeshdbgException.badInput("say where the image goes: --to REF (push) or --tar FILE");
        }
        ImageSpec.Builder b = ImageSpec.builder().target(target).insecure(insecure).cacheDir(cache).agentJar(agentJar)
                .meshdbgVersion(MeshdbgCommand.Version.current());
        if (platform != null) {
            b.platform(ImagePlatform.parse(platform));
        }
        return b;
    }

    /** Builds with upload progress on stderr (a bar on a terminal, unless JSON is asked for). */
    static ImageBuild build(ImageSpec spec, java.io.PrintWriter err, boolean json) {
        UploadDisplay display = new UploadDisplay(err, System.console() != null && !json);
        try {
            return new ImageBuilder(display).build(spec);
        } finally {
            display.end();
        }
    }
}
