package dev.meshdbg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/** {@code -o text|json}, shared by every command that reports something. */
public final class OutputOption {
    public enum Format { text, json }

    /** Jackson loads hundreds of classes: only commands that print JSON through it pay for that. */
    private static final class Mappers {
        static final ObjectMapper INDENTED = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        static final ObjectMapper LINES = JsonMapper.builder().build();
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    public Format format = Format.text;

    public boolean json() {
        return format == Format.json;
    }

    /** Prints one value as indented JSON. */
    public static void printJson(PrintWriter out, Object value) {
        out.println(write(Mappers.INDENTED, value));
        out.flush();
    }

    /** Prints one value as a single line of JSON: one event per line. */
    public static void printJsonLine(PrintWriter out, Object value) {
        out.println(write(Mappers.LINES, value));
        out.flush();
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
