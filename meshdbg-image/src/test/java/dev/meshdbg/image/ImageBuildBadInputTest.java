package dev.meshdbg.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.RegistryImage;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.Registry;
import dev.meshdbg.errors.MeshdbgException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every wrong input gives one clear line, the right exit code, and no image in the registry. */
class ImageBuildBadInputTest {
    @TempDir
    static Path tmp;
    static Registry registry;
    static RegistryContent content;
    static EnvoyLike.Build envoy;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        registry = Registry.start(tmp.resolve("registry"));
        content = new RegistryContent(registry.host());
        TestBase.push(registry.host() + "/test/base:1", tmp.resolve("base-cache"));
        envoy = EnvoyLike.build(tmp.resolve("envoy"), EnvoyLike.Compiler.GCC, false);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void nothingWasTagged() throws Exception {
        assertThat(content.status("/v2/bad/tags/list")).isEqualTo(404);
    }

    private static ImageSpec.Builder spec() {
        return ImageSpec.builder()
                .base(new ImageSource.Registry(registry.host() + "/test/base:1"))
                .target(new ImageSource.Registry(registry.host() + "/bad:1"))
                .envoy(envoy.binary())
                .insecure(true)
                .cacheDir(tmp.resolve("cache"));
    }

    private static MeshdbgException fails(ImageSpec.Builder spec) {
        MeshdbgException e = catchThrowableOfType(MeshdbgException.class, () -> new ImageBuilder(BuildListener.NONE).build(spec.build()));
        assertThat(e).as("the build should have been refused").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n");
        return e;
    }

    @Test
    void missingEnvoy() {
        MeshdbgException e = fails(spec().envoy(tmp.resolve("no-such-envoy")));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("no-such-envoy").contains("no such file");
    }

    @Test
    void envoyThatIsNotElf() throws Exception {
        Path text = Files.writeString(tmp.resolve("envoy.sh"), "#!/bin/sh\necho not envoy\n");
        MeshdbgException e = fails(spec().envoy(text));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("envoy.sh");
    }

    @Test
    void envoyOfAnotherArchitecture() throws Exception {
        Path arm = Files.copy(envoy.binary(), tmp.resolve("envoy-aarch64"));
        try (FileChannel ch = FileChannel.open(arm, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 183), 18); // e_machine = EM_AARCH64
        }
        MeshdbgException e = fails(spec().envoy(arm).platform(ImagePlatform.AMD64));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("aarch64").contains("linux/amd64");
    }

    @Test
    void platformThatDoesNotMatchTheEnvoy() {
        MeshdbgException e = fails(spec().platform(ImagePlatform.ARM64));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("x86_64").contains("linux/arm64");
        MeshdbgException parse = catchThrowableOfType(MeshdbgException.class, () -> ImagePlatform.parse("windows/amd64"));
        assertThat(parse.getMessage()).contains("use linux/amd64 or linux/arm64");
    }

    @Test
    void unknownBase() {
        MeshdbgException e = fails(spec().base(new ImageSource.Registry(registry.host() + "/test/no-such-base:1")));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("no-such-base").contains("does not exist");
    }

    @Test
    void malformedReference() {
        MeshdbgException e = fails(spec().target(new ImageSource.Registry("Not A Reference")));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
        assertThat(e.getMessage()).contains("--to");
    }

    @Test
    void unreachableRegistry() throws Exception {
        String nowhere = "127.0.0.1:" + Registry.freePort();
        MeshdbgException e = fails(spec().base(new ImageSource.Registry(nowhere + "/test/base:1")));
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.FAILURE);
        assertThat(e.getMessage()).contains("cannot reach the registry");
    }

    @Test
    void unauthorizedAndThenLoggedInThroughDockerConfig() throws Exception {
        Assumptions.assumeTrue(Registry.htpasswdAvailable(), "htpasswd is not installed (apt install apache2-utils)");
        Path dir = tmp.resolve("auth-registry");
        Files.createDirectories(dir);
        Path htpasswd = Registry.htpasswd(dir.resolve("htpasswd"), "mesh", "s3cret");
        try (Registry secured = Registry.start(dir, Optional.of(htpasswd))) {
            assertThat(secured.status("/v2/")).isEqualTo(401);
            System.setProperty("sendCredentialsOverHttp", "true"); // as ImageBuilder does for --insecure
            TestBase.builder().containerize(Containerizer.to(RegistryImage.named(secured.host() + "/test/base:1")
                            .addCredential("mesh", "s3cret"))
                    .setAllowInsecureRegistries(true)
                    .setBaseImageLayersCache(tmp.resolve("base-cache/base"))
                    .setApplicationLayersCache(tmp.resolve("base-cache/layers")));
            Path noCredentials = Files.writeString(tmp.resolve("empty-config.json"), "{\"auths\":{}}");
            ImageSpec.Builder spec = spec().base(new ImageSource.Registry(secured.host() + "/test/base:1"))
                    .target(new ImageSource.Registry(secured.host() + "/bad:1"));

            MeshdbgException e = fails(spec.dockerConfig(noCredentials));
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeshdbgException.Kind.BAD_INPUT);
            assertThat(e.getMessage()).contains("401");

            String auth = Base64.getEncoder().encodeToString("mesh:s3cret".getBytes());
            Path config = Files.writeString(tmp.resolve("config.json"),
                    "{\"auths\":{\"" + secured.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            ImageBuild built = new ImageBuilder(BuildListener.NONE).build(spec.dockerConfig(config)
                    .target(new ImageSource.Registry(secured.host() + "/logged-in:1")).build());
            assertThat(built.digest()).startsWith("sha256:");
        }
    }
}
