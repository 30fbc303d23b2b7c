package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Role in docs/kube.md is the one the code asks for: rendered from the same list preflight checks. */
class RbacRoleTest {
    @ParameterizedTest
    @EnumSource(Mode.class)
    void docsShowExactlyWhatTheCodeUses(Mode mode) throws IOException {
        String command = "meshdbg rbac role -n demo" + (mode == Mode.NODE ? " --mode node" : "");
        Matcher m = Pattern.compile(Pattern.quote("`" + command + "`") + "[^\\n]*\\n\\n```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(docs()));
        assertThat(m.find()).as("a yaml block after `%s` in docs/kube.md", command).isTrue();
        assertThat(m.group(1)).isEqualTo(RbacRole.yaml(mode, "demo", AttachOptions.DEFAULT_AGENT_NAMESPACE));
    }

    /** Every permission preflight checks, and every one only used along the way, is granted by a rule. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyPermissionIsGranted(Mode mode) {
        String yaml = RbacRole.yaml(mode, "demo", "agents");
        for (Permission p : Permission.forMode(mode, "demo", "agents")) {
            String document = java.util.Arrays.stream(yaml.split("---\n"))
                    .filter(d -> p.namespace() == null ? d.contains("kind: ClusterRole") : d.contains("namespace: " + p.namespace() + "}"))
                    .findFirst().orElseThrow(() -> new AssertionError("no Role for " + p.describe()));
            Matcher rule = Pattern.compile("- apiGroups: \\[(.*?)]\\n  resources: \\[(.*?)]\\n  verbs: \\[(.*?)]\\n").matcher(document);
            boolean granted = false;
            while (rule.find()) {
                granted |= rule.group(1).replace("\"", "").equals(p.group())
                        && java.util.List.of(rule.group(2).split(", ")).contains(p.rbacResource())
                        && java.util.List.of(rule.group(3).split(", ")).contains(p.verb());
            }
            assertThat(granted).as(p.describe()).isTrue();
        }
    }

    private static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docs/kube.md"))) {
                return dir.resolve("docs/kube.md");
            }
        }
        throw new AssertionError("docs/kube.md not found above " + Path.of("").toAbsolutePath());
    }
}
