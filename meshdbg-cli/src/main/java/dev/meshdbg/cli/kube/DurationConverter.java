package dev.meshdbg.cli.kube;

import dev.meshdbg.errors.MeshdbgException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Go-style durations as kubectl takes them: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h30m}; a bare number is seconds, as for the agent. */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (MeshdbgException e) {
            throw new picocli.CommandLine.TypeConversionException(e.getMessage());
        }
    }

    public static Duration parse(String value) {
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Matcher m = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != value.length()) {
            throw MeshdbgException.badInput("'" + value + "' is not a duration: use e.g. 500ms, 90s, 5m or 1h30m");
        }
        return total;
    }
}
