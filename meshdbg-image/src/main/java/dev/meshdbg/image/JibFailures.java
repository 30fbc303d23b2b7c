package dev.meshdbg.image;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import dev.meshdbg.errors.MeshdbgException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Turns what Jib throws into one line a person can act on. */
final class JibFailures {
    private JibFailures() {
    }

    static MeshdbgException translate(Throwable thrown, ImageSpec spec) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof MeshdbgException m) {
                return m;
            }
            String message = String.valueOf(t.getMessage());
            String lower = message.toLowerCase(Locale.ROOT);
            if (t instanceof InsecureRegistryException) {
                return MeshdbgException.badInput("the registry does not speak HTTPS with a trusted certificate ("
                        + firstLine(message) + "); add --insecure if it is a plain-HTTP registry");
            }
            if (t.getClass().getSimpleName().equals("RegistryCredentialsNotSentException")) {
                return MeshdbgException.badInput("the registry wants credentials but speaks plain HTTP: add --insecure to send them anyway");
            }
            if (t instanceof RegistryUnauthorizedException || t instanceof RegistryAuthenticationFailedException
                    || lower.contains("401") || lower.contains("unauthorized")) {
                return MeshdbgException.badInput("the registry refused the credentials (401 Unauthorized): "
                        + "log in with 'docker login REGISTRY' (meshdbg reads ~/.docker/config.json) — " + firstLine(message));
            }
            if (t.getClass().getSimpleName().equals("PlatformNotFoundInBaseImageException")) {
                return MeshdbgException.badInput("the base image " + spec.base() + " has no " + spec.platform().label()
                        + " variant: " + firstLine(message));
            }
            if (lower.contains("manifest_unknown") || lower.contains("manifest unknown")
                    || lower.contains("name_unknown") || lower.contains("not found") && t instanceof RegistryException) {
                return MeshdbgException.badInput("the base image " + spec.base() + " does not exist in its registry: " + firstLine(message));
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException) {
                return MeshdbgException.failure("cannot reach the registry (" + t.getClass().getSimpleName() + ": "
                        + firstLine(message) + "); check the address, or run 'meshdbg doctor registry REF'", thrown);
            }
            if (t instanceof java.nio.file.NoSuchFileException) {
                return MeshdbgException.badInput(message + ": no such file");
            }
        }
        return MeshdbgException.failure("building the image failed: " + firstLine(String.valueOf(rootCause(thrown))), thrown);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
