package dev.meshdbg.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD-plus-expectations dispatcher, with what a real API server adds: an authorizer for
 * SelfSubjectAccessReviews, the ephemeralcontainers subresource, container logs from {@link FakeAgent}s,
 * and port-forward websockets relayed to real sockets.
 */
final class FakeApiDispatcher extends KubernetesMixedDispatcher {
    private static final Pattern POD_SUB = Pattern.compile(
            "/api/v1/namespaces/([^/]+)/pods/([^/?]+)/(ephemeralcontainers|log|portforward)(\\?.*)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** "verb resource[/subresource] namespace" entries the current user may not do. */
    final Set<String> denied = ConcurrentHashMap.newKeySet();
    /** How every agent container in this cluster behaves. */
    volatile FakeAgent agent = new FakeAgent();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every PATCH: its content type, a space, its body. */
    final List<String> patches = new CopyOnWriteArrayList<>();
    final PortForwardRelay relay = new PortForwardRelay();
    volatile int ephemeralStatus; // non-zero: the ephemeralcontainers subresource answers with this code
    /** Answers for the next PATCHes of the ephemeralcontainers subresource, before it behaves again. */
    final Queue<MockResponse> ephemeralFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    FakeApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        requests.add(request.getMethod() + " " + path);
        if ("PATCH".equals(request.getMethod())) {
            patches.add(request.getHeader("Content-Type") + " "
                    + new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (path.startsWith("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) {
            return review(request);
        }
        Matcher m = POD_SUB.matcher(path);
        if (m.matches()) {
            String query = m.group(4) == null ? "" : m.group(4);
            switch (m.group(3)) {
                case "ephemeralcontainers":
                    if (ephemeralStatus != 0) {
                        return status(ephemeralStatus, ephemeralStatus == 422
                                ? "Pod \"" + m.group(2) + "\" is invalid: spec.ephemeralContainers: Forbidden:"
                                + " ephemeral containers are disabled by feature-gate"
                                : "the server could not find the requested resource");
                    }
                    MockResponse failure = ephemeralFailures.poll();
                    if (failure != null) {
                        return failure;
                    }
                    String podPath = "/api/v1/namespaces/" + m.group(1) + "/pods/" + m.group(2) + query;
                    return super.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), podPath,
                            request.getHeaders(), new Buffer(request.getBody().getBytes())));
                case "log":
                    return log(param(query, "container"));
                case "portforward":
                    int port = Integer.parseInt(param(query, "ports"));
                    return new MockResponse().withWebSocketUpgrade(relay.listener(port));
                default:
                    break;
            }
        }
        String type = request.getHeader("Content-Type");
        if ("PATCH".equals(request.getMethod()) && type != null && type.contains("merge-patch")) {
            return mergePatch(request);
        }
        return super.dispatch(request);
    }

    /** RFC 7386 as the API server does it (null removes a key); the CRUD mock would store the null. */
    private MockResponse mergePatch(RecordedRequest request) {
        String path = request.getPath();
        MockResponse current = super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, path,
                request.getHeaders(), new Buffer()));
        if (current.code() != 200) {
            return current;
        }
        try {
            JsonNode merged = merge(JSON.readTree(current.getBody().readUtf8()), JSON.readTree(request.getUtf8Body()));
            ((ObjectNode) merged.path("metadata")).remove("resourceVersion");
            return super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, request.getHeaders(),
                    new Buffer(JSON.writeValueAsBytes(merged))));
        } catch (java.io.IOException e) {
            return status(400, e.getMessage());
        }
    }

    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JSON.createObjectNode();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
            }
        });
        return result;
    }

    private MockResponse review(RecordedRequest request) {
        try {
            ObjectNode review = (ObjectNode) JSON.readTree(request.getUtf8Body());
            JsonNode attrs = review.path("spec").path("resourceAttributes");
            String resource = attrs.path("resource").asText()
                    + (attrs.hasNonNull("subresource") && !attrs.path("subresource").asText().isEmpty()
                    ? "/" + attrs.path("subresource").asText() : "");
            String key = attrs.path("verb").asText() + " " + resource + " " + attrs.path("namespace").asText("");
            boolean allowed = !denied.contains(key.strip());
            review.putObject("status").put("allowed", allowed);
            return new MockResponse().setResponseCode(201).setBody(review.toString())
                    .setHeader("Content-Type", "application/json");
        } catch (java.io.IOException e) {
            return status(400, e.getMessage());
        }
    }

    private MockResponse log(String container) {
        if (!container.startsWith(Labels.NAME_PREFIX) && !container.equals(NodeAgent.CONTAINER)) {
            return status(400, "container " + container + " is not valid");
        }
        return new MockResponse().setResponseCode(200).setBody(String.join("\n", agent.log) + "\n");
    }

    static MockResponse status(int code, String message) {
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code
                + ",\"message\":" + JSON.valueToTree(message) + "}";
        return new MockResponse().setResponseCode(code).setBody(body).setHeader("Content-Type", "application/json");
    }

    /** A Status with one cause, as the API server refuses an invalid object. */
    static MockResponse invalid(String message, String field, String causeMessage) {
        ObjectNode body = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", "Invalid").put("code", 422);
        body.putObject("details").put("name", "web-1").put("kind", "pods").putArray("causes").addObject()
                .put("reason", "FieldValueInvalid").put("message", causeMessage).put("field", field);
        return new MockResponse().setResponseCode(422).setBody(body.toString()).setHeader("Content-Type", "application/json");
    }

    private static String param(String query, String name) {
        for (String kv : query.replaceFirst("^\\?", "").split("&")) {
            String[] p = kv.split("=", 2);
            if (p[0].equals(name) && p.length == 2) {
                return java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
