package dev.meshdbg.kube;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** Asks the API server, before anything changes, whether the current user may do each thing. */
public final class AccessCheck {
    private final KubernetesClient client;

    public AccessCheck(KubernetesClient client) {
        this.client = client;
    }

    /** The permissions the user lacks, in the order asked. */
    public List<Permission> missing(List<Permission> wanted) {
        return wanted.stream().filter(p -> !allowed(p)).toList();
    }

    public boolean allowed(Permission p) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
                .withNewSpec()
                .withResourceAttributes(new ResourceAttributesBuilder()
                        .withVerb(p.verb()).withGroup(p.group()).withResource(p.resource()).withSubresource(p.subresource())
                        .withNamespace(p.namespace()).build())
                .endSpec().build();
        SelfSubjectAccessReview answer = KubeErrors.call("ask whether you may " + p.describe(),
                () -> client.authorization().v1().selfSubjectAccessReview().create(review));
        return answer != null && answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }
}
