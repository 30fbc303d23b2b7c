package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import java.util.Locale;

/** A kubectl-style target: {@code POD}, {@code pod/NAME}, {@code deploy/NAME}, {@code sts/NAME}, {@code ds/NAME}. */
public record TargetRef(Kind kind, String name) {
    public enum Kind {
        POD("pod"), DEPLOYMENT("deployment"), STATEFULSET("statefulset"), DAEMONSET("daemonset");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        public String noun() {
            return noun;
        }

        public boolean workload() {
            return this != POD;
        }
    }

    public static TargetRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw MeshdbgException.badInput("no target given: name a pod, or TYPE/NAME (pod/, deploy/, sts/, ds/)");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new TargetRef(Kind.POD, checkName(text, text));
        }
        String type = text.substring(0, slash).toLowerCase(Locale.ROOT);
        String name = checkName(text.substring(slash + 1), text);
        Kind kind = switch (type) {
            case "pod", "pods", "po" -> Kind.POD;
            case "deploy", "deployment", "deployments", "deployment.apps" -> Kind.DEPLOYMENT;
            case "sts", "statefulset", "statefulsets", "statefulset.apps" -> Kind.STATEFULSET;
            case "ds", "daemonset", "daemonsets", "daemonset.apps" -> Kind.DAEMONSET;
            default -> throw MeshdbgException.badInput("unknown target type '" + type + "' in '" + text
                    + "': use pod/, deploy/, sts/ or ds/");
        };
        return new TargetRef(kind, name);
    }

    /** A workload argument for {@code sidecar set-image}: a pod is not a workload. */
    public static TargetRef parseWorkload(String text) {
        TargetRef ref = parse(text);
        if (!ref.kind().workload()) {
            throw MeshdbgException.badInput("'" + text + "' is not a workload: use deploy/NAME, sts/NAME or ds/NAME");
        }
        return ref;
    }

    private static String checkName(String name, String text) {
        // DNS-1123 subdomain, as the API server will demand: refuse early, before any request.
        if (!name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw MeshdbgException.badInput("'" + text + "' is not a valid Kubernetes object name");
        }
        return name;
    }

    @Override
    public String toString() {
        return kind == Kind.POD ? "pod/" + name : kind.noun() + "/" + name;
    }
}
