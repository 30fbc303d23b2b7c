package dev.meshdbg.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.Registry;
import dev.meshdbg.symbols.elf.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds debug images on a real registry and reads them back blob by blob. */
class ImageBuildTest {
    @TempDir
    static Path tmp;
    static Registry registry;
    static RegistryContent content;
    static EnvoyLike.Build envoy;
    static String base;

    @BeforeAll
    static void startRegistry() throws Exception {
        Assumptions.assumeTrue(Registry.available(), "docker-registry is not installed (apt install docker-registry)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        registry = Registry.start(tmp.resolve("registry"));
        content = new RegistryContent(registry.host());
        base = registry.host() + "/test/base:1";
        TestBase.push(base, tmp.resolve("base-cache"));
        envoy = EnvoyLike.build(tmp.resolve("envoy"), EnvoyLike.Compiler.GCC, false);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static ImageSpec.Builder spec(String target) {
        return ImageSpec.builder()
                .base(new ImageSource.Registry(base))
                .target(new ImageSource.Registry(registry.host() + "/" + target))
                .envoy(envoy.binary())
                .insecure(true)
                .revision("0123456789abcdef0123456789abcdef01234567")
                .meshdbgVersion("9.9.9-test")
                .cacheDir(tmp.resolve("cache"));
    }

    @Test
    void layersConfigAndLabelsOnTopOfTheBase() throws Exception {
        ImageBuild built = new ImageBuilder(BuildListener.NONE).build(spec("envoy-debug:full").build());

        JsonNode baseManifest = content.manifest("test/base", "1");
        JsonNode manifest = content.manifest("envoy-debug", "full");
        assertThat(built.digest()).startsWith("sha256:");
        List<String> layers = content.layerDigests(manifest);
        List<String> baseLayers = content.layerDigests(baseManifest);
        assertThat(layers).startsWith(baseLayers.toArray(String[]::new));
        assertThat(layers).hasSize(baseLayers.size() + 5);
        assertThat(built.layers()).containsExactly("envoy", "meshdbg-libraries", "meshdbg-java",
                "meshdbg-debug-servers", "meshdbg-agent");

        JsonNode config = content.config("envoy-debug", manifest).get("config");
        assertThat(strings(config.get("Entrypoint"))).isEqualTo(TestBase.ENTRYPOINT);
        assertThat(strings(config.get("Cmd"))).isEqualTo(TestBase.CMD);
        assertThat(config.get("User").asText()).isEqualTo(TestBase.USER);
        assertThat(strings(config.get("Env"))).containsExactlyInAnyOrderElementsOf(
                TestBase.ENV.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        JsonNode labels = config.get("Labels");
        String buildId;
        try (ElfFile local = ElfFile.open(envoy.binary())) {
            buildId = local.buildId().orElseThrow().hex();
        }
        assertThat(labels.get(ImageBuilder.LABEL_BUILD_ID).asText()).isEqualTo(buildId);
        assertThat(labels.get(ImageBuilder.LABEL_VERSION).asText()).isEqualTo("9.9.9-test");
        assertThat(labels.get(ImageBuilder.LABEL_REVISION).asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(labels.get(ImageBuilder.LABEL_STRIPPED).asText()).isEqualTo("false");

        int first = baseLayers.size();
        Map<String, RegistryContent.Entry> envoyLayer = entries(layers.get(first));
        assertThat(files(envoyLayer)).containsExactly("usr/local/bin/envoy");
        assertThat(envoyLayer.get("usr/local/bin/envoy").mode()).isEqualTo(0755);
        Path pulled = RegistryContent.extract(content.blob("envoy-debug", layers.get(first)), "usr/local/bin/envoy",
                tmp.resolve("pulled-envoy"));
        try (ElfFile inImage = ElfFile.open(pulled)) {
            assertThat(inImage.buildId().orElseThrow().hex()).isEqualTo(buildId);
            assertThat(inImage.hasDebugInfo()).isTrue();
        }
        assertThat(Files.mismatch(pulled, envoy.binary())).isEqualTo(-1L);

        Map<String, RegistryContent.Entry> libs = entries(layers.get(first + 1));
        assertThat(files(libs)).contains("opt/meshdbg/lib/ld-linux-x86-64.so.2", "opt/meshdbg/lib/libc.so.6",
                "opt/meshdbg/lib/libstdc++.so.6", "opt/meshdbg/lib/libz.so.1", "opt/meshdbg/lib/libLLVM.so.19.1");
        assertThat(files(libs)).allMatch(f -> f.startsWith("opt/meshdbg/lib/"));
        assertThat(modes(libs)).containsOnly(0755);

        Map<String, RegistryContent.Entry> runtime = entries(layers.get(first + 2));
        assertThat(files(runtime)).allMatch(f -> f.startsWith("opt/meshdbg/java/"))
                .contains("opt/meshdbg/java/bin/java", "opt/meshdbg/java/lib/modules", "opt/meshdbg/java/lib/server/libjvm.so");
        assertThat(runtime.get("opt/meshdbg/java/bin/java").mode()).isEqualTo(0755);
        assertThat(runtime.get("opt/meshdbg/java/lib/modules").mode()).isEqualTo(0644);
        String release = Files.readString(RegistryContent.extract(content.blob("envoy-debug", layers.get(first + 2)),
                "opt/meshdbg/java/release", tmp.resolve("release")));
        assertThat(release).contains("MODULES=\"java.base");

        Map<String, RegistryContent.Entry> servers = entries(layers.get(first + 3));
        assertThat(files(servers)).containsExactlyInAnyOrder("opt/meshdbg/libexec/gdbserver", "opt/meshdbg/libexec/lldb-server");
        assertThat(modes(servers)).containsOnly(0755);

        Map<String, RegistryContent.Entry> agent = entries(layers.get(first + 4));
        assertThat(files(agent)).containsExactlyInAnyOrder("opt/meshdbg/agent/meshdbg-agent.jar", "opt/meshdbg/bin/sh",
                "opt/meshdbg/bin/meshdbg-agent", "opt/meshdbg/bin/gdbserver", "opt/meshdbg/bin/lldb-server",
                "opt/meshdbg/bin/kill"); // the guard stops an Envoy that leads no process group with it
        assertThat(agent.get("opt/meshdbg/agent/meshdbg-agent.jar").mode()).isEqualTo(0644);
        assertThat(agent.get("opt/meshdbg/bin/gdbserver").mode()).isEqualTo(0755);
        byte[] agentLayer = content.blob("envoy-debug", layers.get(first + 4));
        String wrapper = Files.readString(RegistryContent.extract(agentLayer, "opt/meshdbg/bin/gdbserver", tmp.resolve("wrapper")));
        assertThat(wrapper).startsWith("#!/opt/meshdbg/bin/sh\n")
                .contains("exec /opt/meshdbg/lib/ld-linux-x86-64.so.2 --library-path /opt/meshdbg/lib /opt/meshdbg/libexec/gdbserver \"$@\"");
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(RegistryContent.extract(agentLayer,
                "opt/meshdbg/agent/meshdbg-agent.jar", tmp.resolve("agent.jar")).toFile())) {
            assertThat(jar.getEntry("dev/meshdbg/agent/AgentMain.class")).isNotNull();
            assertThat(jar.getEntry("dev/meshdbg/symbols/elf/ElfFile.class")).isNotNull();
            assertThat(jar.stream().map(java.util.jar.JarEntry::getName)).noneMatch(n -> n.startsWith("com/google/") || n.startsWith("picocli/"));
        }
    }

    @Test
    void unchangedRebuildUploadsNothing() throws Exception {
        ImageSpec spec = spec("envoy-debug:again").build();
        ImageBuild first = new ImageBuilder(BuildListener.NONE).build(spec);
        long uploadsBefore = registry.blobUploads();
        List<UploadProgress> seen = new CopyOnWriteArrayList<>();
        ImageBuild second = new ImageBuilder(new BuildListener() {
            @Override
            public void upload(UploadProgress progress) {
                seen.add(progress);
            }
        }).build(spec);

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(registry.blobUploads()).isEqualTo(uploadsBefore);
        assertThat(second.upload().uploaded()).isZero();
        assertThat(second.upload().bytesSent()).isZero();
        assertThat(second.upload().skipped()).isEqualTo(second.upload().blobs()).isPositive();
        assertThat(seen).isNotEmpty();
    }

    @Test
    void stripDebugKeepsBuildIdAndCode() throws Exception {
        ImageBuild built = new ImageBuilder(BuildListener.NONE).build(spec("envoy-debug:stripped").stripDebug(true).build());

        JsonNode manifest = content.manifest("envoy-debug", "stripped");
        JsonNode config = content.config("envoy-debug", manifest).get("config");
        assertThat(config.get("Labels").get(ImageBuilder.LABEL_STRIPPED).asText()).isEqualTo("true");
        int envoyLayer = content.layerDigests(content.manifest("test/base", "1")).size();
        Path pulled = RegistryContent.extract(content.blob("envoy-debug", content.layerDigests(manifest).get(envoyLayer)),
                "usr/local/bin/envoy", tmp.resolve("pulled-stripped"));
        try (ElfFile local = ElfFile.open(envoy.binary()); ElfFile inImage = ElfFile.open(pulled)) {
            assertThat(inImage.buildId()).isEqualTo(local.buildId());
            assertThat(inImage.loadableCodeHash()).isEqualTo(local.loadableCodeHash());
            assertThat(inImage.hasDebugInfo()).isFalse();
            assertThat(inImage.sections()).noneMatch(s -> s.name().startsWith(".debug_"));
            assertThat(inImage.size()).isLessThan(local.size());
        }
        assertThat(built.envoy().stripped()).isTrue();
        assertThat(built.envoy().buildId().hex()).isEqualTo(config.get("Labels").get(ImageBuilder.LABEL_BUILD_ID).asText());
    }

    @Test
    void tarTargetAndTarBase() throws Exception {
        Path baseTar = tmp.resolve("base.tar");
        TestBase.tar(baseTar, tmp.resolve("base-cache"));
        Path out = tmp.resolve("debug.tar");
        ImageBuild built = new ImageBuilder(BuildListener.NONE).build(ImageSpec.builder()
                .base(new ImageSource.Tar(baseTar, null))
                .target(new ImageSource.Tar(out, "envoy-debug:tar"))
                .envoy(envoy.binary())
                .debugServers(DebugServer.forDebugger("gdb"))
                .cacheDir(tmp.resolve("cache"))
                .build());
        assertThat(built.pushed()).isFalse();
        assertThat(built.upload().blobs()).isZero();
        List<String> names = new ArrayList<>();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(out))) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("manifest.json", "config.json");
        assertThat(names.stream().filter(n -> n.endsWith(".tar.gz"))).hasSize(1 + 5);
    }

    private static Map<String, RegistryContent.Entry> entries(String digest) throws Exception {
        return RegistryContent.entries(content.blob("envoy-debug", digest));
    }

    private static List<String> files(Map<String, RegistryContent.Entry> entries) {
        return entries.values().stream().filter(e -> !e.directory()).map(RegistryContent.Entry::path).toList();
    }

    private static List<Integer> modes(Map<String, RegistryContent.Entry> entries) {
        return entries.values().stream().filter(e -> !e.directory()).map(RegistryContent.Entry::mode).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
