package dev.meshdbg.symbols.fetch;

import dev.meshdbg.errors.MeshdbgException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The istio/proxy commit an Envoy was built from: the key of Istio's release symbols. Images set it
 * as {@code istio-proxy:<sha>} (older) or as the bare sha (newer); Envoy's version string starts with it.
 */
public record ProxySha(String hex) {
    private static final Pattern FULL = Pattern.compile("[0-9a-f]{40}");

    public ProxySha {
        if (!FULL.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a 40-digit commit: " + hex);
        }
    }

    /** Reads {@code istio-proxy:<sha>}, a bare sha, or a version string {@code <sha>/1.x.y/...}; empty for anything else. */
    public static Optional<ProxySha> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip().toLowerCase(Locale.ROOT);
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            s = s.substring(colon + 1);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        return FULL.matcher(s).matches() ? Optional.of(new ProxySha(s)) : Optional.empty();
    }

    /** For a value a person typed: refused with one line when it is no commit. */
    public static ProxySha parse(String text) {
        return tryParse(text).orElseThrow(() -> MeshdbgException.badInput("--proxy-sha " + text
                + " is not an istio/proxy commit: give the 40 hex digits (as in ISTIO_META_ISTIO_PROXY_SHA)"));
    }

    @Override
    public String toString() {
        return hex;
    }
}
