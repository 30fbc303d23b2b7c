package dev.meshdbg.symbols.fetch;

/** A proxy SHA and where it was read: "ISTIO_META_ISTIO_PROXY_SHA of pid 42", "--proxy-sha", ... */
public record FoundSha(ProxySha sha, String from) {
}
