package dev.meshdbg.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvoyLikeTest {
    @TempDir
    Path dir;

    @Test
    void buildsWithBazelLikePathsAndServes() throws Exception {
        EnvoyLike.Build build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);

        assertThat(build.binary()).isExecutable();
        assertThat(Files.readAllLines(build.serverSource(), StandardCharsets.UTF_8).get(build.line("handler") - 1))
                .contains("++requests_served");
        // The debug info must name the bazel-like remote root, not this temp dir.
        byte[] image = Files.readAllBytes(build.binary());
        String text = new String(image, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(EnvoyLike.REMOTE_ROOT).doesNotContain(build.workspace().toString());

        try (EnvoyLikeProcess p = EnvoyLikeProcess.start(build.binary())) {
            assertThat(p.get("/hello", Duration.ofSeconds(5))).isEqualTo("GET /hello #1\n");
            assertThat(p.serves(Duration.ofSeconds(5))).isTrue();
            assertThat(p.state()).isIn("S", "R");
        }
    }
}
