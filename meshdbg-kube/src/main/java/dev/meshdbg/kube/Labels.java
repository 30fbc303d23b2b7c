package dev.meshdbg.kube;

/** The labels and annotations meshdbg puts on cluster objects, so that cleanup can find them again. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "meshdbg";
    public static final String SESSION = "meshdbg.dev/session";
    public static final String TARGET_NAMESPACE = "meshdbg.dev/target-namespace";
    /** An annotation, not a label: pod names can be longer than a label value may be. */
    public static final String TARGET_POD = "meshdbg.dev/target-pod";
    /** Pod annotation present while a session is attached: who, since when, which mode. */
    public static final String SESSION_ANNOTATION = "meshdbg.dev/session";
    /** Every container and pod meshdbg creates is named with this prefix. */
    public static final String NAME_PREFIX = "meshdbg-";
    /**
     * Istio's opt-out, set both as label (the injector webhook's objectSelector sees only labels) and
     * as annotation (older injectors read that).
     */
    public static final String ISTIO_INJECT = "sidecar.istio.io/inject";
    public static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

    private Labels() {
    }
}
