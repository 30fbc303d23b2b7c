package dev.meshdbg.kube;

/** Where a local debugger connects: always the loopback address. */
public record LocalEndpoint(String host, int port) {
    public String address() {
        return host + ":" + port;
    }
}
