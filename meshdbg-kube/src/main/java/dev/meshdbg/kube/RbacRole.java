package dev.meshdbg.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The RBAC objects that grant exactly a mode's {@link Permission}s, as YAML: a Role per namespace
 * (the target's, and node mode's agent namespace) and a ClusterRole for the namespaces themselves.
 * {@code meshdbg rbac role} prints it and docs/kube.md shows it; a test keeps the two equal.
 */
public final class RbacRole {
    private static final List<String> VERB_ORDER = List.of("get", "list", "watch", "create", "update", "patch", "delete");

    private RbacRole() {
    }

    public static String yaml(Mode mode, String targetNamespace, String agentNamespace) {
        String base = "meshdbg-" + mode.name().toLowerCase(Locale.ROOT);
        Map<String, List<Permission>> byNamespace = new LinkedHashMap<>();
        for (Permission p : Permission.forMode(mode, targetNamespace, agentNamespace)) {
            byNamespace.computeIfAbsent(p.namespace() == null ? "" : p.namespace(), k -> new ArrayList<>()).add(p);
        }
        List<String> documents = new ArrayList<>();
        byNamespace.forEach((ns, permissions) -> {
            String metadata = ns.isEmpty() ? "{name: " + base + "-namespaces}"
                    : "{name: " + base + (ns.equals(targetNamespace) ? "" : "-agent") + ", namespace: " + ns + "}";
            documents.add("apiVersion: rbac.authorization.k8s.io/v1\nkind: " + (ns.isEmpty() ? "ClusterRole" : "Role")
                    + "\nmetadata: " + metadata + "\nrules:\n" + rules(permissions));
        });
        return String.join("---\n", documents);
    }

    /** One rule per group and verb set, resources in the order the permissions name them. */
    private static String rules(List<Permission> permissions) {
        Map<List<String>, Set<String>> verbsByResource = new LinkedHashMap<>();
        for (Permission p : permissions) {
            verbsByResource.computeIfAbsent(List.of(p.group(), p.rbacResource()), k -> new LinkedHashSet<>()).add(p.verb());
        }
        record Rule(String group, List<String> verbs, List<String> resources) {
        }
        List<Rule> rules = new ArrayList<>();
        verbsByResource.forEach((key, verbs) -> {
            List<String> ordered = VERB_ORDER.stream().filter(verbs::contains).toList();
            Rule same = rules.stream().filter(r -> r.group().equals(key.get(0)) && r.verbs().equals(ordered))
                    .findFirst().orElse(null);
            if (same != null) {
                same.resources().add(key.get(1));
            } else {
                rules.add(new Rule(key.get(0), ordered, new ArrayList<>(List.of(key.get(1)))));
            }
        });
        StringBuilder out = new StringBuilder();
        for (Rule r : rules) {
            out.append("- apiGroups: [").append(r.group().isEmpty() ? "\"\"" : r.group()).append("]\n")
                    .append("  resources: [").append(String.join(", ", r.resources())).append("]\n")
                    .append("  verbs: [").append(String.join(", ", r.verbs())).append("]\n");
        }
        return out.toString();
    }
}
