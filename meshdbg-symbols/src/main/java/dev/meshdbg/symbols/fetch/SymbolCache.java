package dev.meshdbg.symbols.fetch;

import java.nio.file.Path;
import java.util.Map;

/**
 * Fetched symbols by proxy SHA: {@code <root>/<sha>/envoy} and {@code envoy.dwp} side by side, the
 * only layout in which lldb and gdb find the package. arm64 builds go to {@code <sha>-arm64}.
 */
public record SymbolCache(Path root) {
    public static final String BINARY = "envoy";
    public static final String DWP = "envoy.dwp";

    /** {@code ${XDG_CACHE_HOME:-~/.cache}/meshdbg/symbols}. */
    public static SymbolCache user(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return new SymbolCache(base.resolve("meshdbg").resolve("symbols"));
    }

    public Path dir(SymbolArtifacts a) {
        return root.resolve(a.sha().hex() + (a.arch().equals("arm64") ? "-arm64" : ""));
    }
}
