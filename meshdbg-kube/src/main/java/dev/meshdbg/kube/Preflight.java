package dev.meshdbg.kube;

import dev.meshdbg.errors.MeshdbgException;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks everything a session needs before it changes anything; refusals name what to do instead. */
public final class Preflight {
    /**
     * What preflight found that does not stop the session. {@code annotate}: whether the user may
     * put the session annotation on the pod (a courtesy to other users; without it the session goes on).
     */
    public record Result(List<String> warnings, boolean createAgentNamespace, boolean annotate) {
    }

    private final KubernetesClient client;
    private final AccessCheck access;

    public Preflight(KubernetesClient client) {
        this.client = client;
        this.access = new AccessCheck(client);
    }

    public Result check(ResolvedTarget target, Mode mode, String agentNamespace) {
        List<String> warnings = new ArrayList<>();
        checkPod(target);
        List<Permission> permissions = Permission.forMode(mode, target.namespace(), agentNamespace);
        List<Permission> missing = access.missing(Permission.needed(permissions, Permission.Need.REQUIRED));
        if (!missing.isEmpty()) {
            throw MeshdbgException.badInput("not allowed to " + missing.stream().map(Permission::describe)
                    .collect(Collectors.joining(", ")) + ": ask your cluster admin for it (`meshdbg rbac role -n "
                    + target.namespace() + (mode == Mode.EPHEMERAL ? "" : " --mode node") + "` prints the Role)"
                    + (mode == Mode.EPHEMERAL ? "" : ", or try the default --mode ephemeral"));
        }
        Permission annotation = permissions.stream().filter(p -> p.need() == Permission.Need.COURTESY
                && p.verb().equals("patch") && p.resource().equals("pods")).findFirst().orElseThrow();
        boolean annotate = access.allowed(annotation);
        if (!annotate) {
            warnings.add("not allowed to " + annotation.describe() + ": the pod will not carry the "
                    + Labels.SESSION_ANNOTATION + " annotation, so others will not see this session; going on");
        }
        boolean createNamespace = false;
        if (mode == Mode.EPHEMERAL) {
            String level = podSecurity(target.namespace(), warnings);
            if ("baseline".equals(level) || "restricted".equals(level)) {
                throw MeshdbgException.badInput("namespace " + target.namespace() + " enforces Pod Security '" + level
                        + "', which refuses an ephemeral container that adds SYS_PTRACE: use --mode node"
                        + " (runs the agent in a privileged pod in its own namespace on the pod's node)");
            }
        } else {
            createNamespace = checkAgentNamespace(permissions, agentNamespace);
            if (target.sidecar().containerId() == null) {
                throw MeshdbgException.badInput("the sidecar of pod " + target.podName()
                        + " has no container id yet; node mode needs it to find Envoy");
            }
        }
        return new Result(List.copyOf(warnings), createNamespace, annotate);
    }

    private static void checkPod(ResolvedTarget target) {
        Pod pod = target.pod();
        String name = "pod " + target.namespace() + "/" + target.podName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            throw MeshdbgException.badInput(name + " is terminating; pick another pod");
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (!"Running".equals(phase)) {
            throw MeshdbgException.badInput(name + " is " + (phase == null ? "not yet scheduled" : phase)
                    + ", not Running");
        }
        if (!target.sidecar().running()) {
            throw MeshdbgException.badInput("sidecar " + target.sidecar().name() + " of " + name + " is not running");
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(Labels.SESSION_ANNOTATION)) {
            throw MeshdbgException.badInput(name + " already has a meshdbg session ("
                    + annotations.get(Labels.SESSION_ANNOTATION) + "); if it is stale, run `meshdbg cleanup -n "
                    + target.namespace() + "`");
        }
    }

    /** The namespace's enforced Pod Security level, or null when unset or unreadable (with a warning). */
    private String podSecurity(String namespace, List<String> warnings) {
        Namespace ns;
        try {
            ns = client.namespaces().withName(namespace).get();
        } catch (RuntimeException e) {
            warnings.add("cannot read namespace " + namespace + " to check its Pod Security level; if it is"
                    + " baseline or restricted the ephemeral container will be refused (then use --mode node)");
            return null;
        }
        if (ns == null || ns.getMetadata().getLabels() == null) {
            return null;
        }
        return ns.getMetadata().getLabels().get(Labels.POD_SECURITY_ENFORCE);
    }

    /** True when the agent namespace must be created; refuses one whose Pod Security forbids privileged pods. */
    private boolean checkAgentNamespace(List<Permission> permissions, String agentNamespace) {
        Namespace ns = KubeErrors.call("get namespace " + agentNamespace,
                () -> client.namespaces().withName(agentNamespace).get());
        if (ns == null) {
            Permission create = Permission.needed(permissions, Permission.Need.MISSING_AGENT_NAMESPACE).get(0);
            if (!access.allowed(create)) {
                throw MeshdbgException.badInput("namespace " + agentNamespace + " does not exist and you are not allowed to "
                        + create.describe() + ": ask your cluster admin to create it with "
                        + Labels.POD_SECURITY_ENFORCE + "=privileged, or pass --agent-namespace");
            }
            return true;
        }
        String level = ns.getMetadata().getLabels() == null ? null
                : ns.getMetadata().getLabels().get(Labels.POD_SECURITY_ENFORCE);
        if (level != null && !"privileged".equals(level)) {
            throw MeshdbgException.badInput("agent namespace " + agentNamespace + " enforces Pod Security '" + level
                    + "', which refuses the privileged node pod: label it " + Labels.POD_SECURITY_ENFORCE
                    + "=privileged or pass another --agent-namespace");
        }
        return false;
    }
}
