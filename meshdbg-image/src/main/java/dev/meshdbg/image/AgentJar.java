package dev.meshdbg.image;

import dev.meshdbg.errors.MeshdbgException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The agent jar that goes into the image: the agent's and the symbols module's classes, taken
 * from wherever meshdbg runs from (its shaded jar, the module jars, or build directories), and
 * nothing else, so the jlinked runtime needs only the JDK modules the agent uses. Entries are
 * sorted with fixed times: the same classes always give the same jar, and the same layer digest.
 */
public final class AgentJar {
    public static final String MAIN_CLASS = "dev.meshdbg.agent.AgentMain";
    /** Packages the agent needs at run time, each with a class that marks where it lives. */
    private static final Map<String, String> PACKAGES = Map.of(
            "dev/meshdbg/agent/", "dev/meshdbg/agent/AgentMain.class",
            "dev/meshdbg/symbols/", "dev/meshdbg/symbols/BuildId.class",
            "dev/meshdbg/errors/", "dev/meshdbg/errors/MeshdbgException.class",
            "dev/meshdbg/json/", "dev/meshdbg/json/JsonStrings.class");
    private static final long FIXED_TIME = 315532800000L; // 1980-01-01, the earliest a zip entry can say

    private AgentJar() {
    }

    /** Writes the agent jar to {@code target}, leaving an identical existing file untouched. */
    public static Path assemble(Path target, ClassLoader loader) {
        Map<String, byte[]> entries = new TreeMap<>();
        for (Map.Entry<String, String> pkg : PACKAGES.entrySet()) {
            URL marker = loader.getResource(pkg.getValue());
            if (marker == null) {
                throw MeshdbgException.failure("the meshdbg agent classes (" + pkg.getValue().replace('/', '.')
                        + ") are not on this meshdbg's classpath: run the meshdbg jar, or give --agent-jar", null);
            }
            collect(marker, pkg.getValue(), pkg.getKey(), entries);
        }
        byte[] jar = write(entries);
        try {
            Files.createDirectories(target.getParent());
            if (!Files.isRegularFile(target) || !java.util.Arrays.equals(Files.readAllBytes(target), jar)) {
                Path tmp = Files.createTempFile(target.getParent(), "agent", ".tmp");
                Files.write(tmp, jar);
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw MeshdbgException.failure("cannot write the agent jar " + target + ": " + e.getMessage(), e);
        }
    }

    private static void collect(URL marker, String markerName, String prefix, Map<String, byte[]> entries) {
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                String spec = uri.toString();
                URI jarUri = URI.create(spec.substring(0, spec.indexOf("!/")));
                try (FileSystem fs = FileSystems.newFileSystem(Path.of(URI.create(jarUri.getSchemeSpecificPart())), (ClassLoader) null)) {
                    copyTree(fs.getPath("/"), prefix, entries);
                }
            } else {
                Path file = Path.of(uri);
                Path root = file;
                for (int i = 0; i < markerName.split("/").length; i++) {
                    root = root.getParent();
                }
                copyTree(root, prefix, entries);
            }
        } catch (IOException | URISyntaxException e) {
            throw MeshdbgException.failure("cannot read the agent classes from " + marker + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path root, String prefix, Map<String, byte[]> entries) throws IOException {
        Path start = root.resolve(prefix);
        try (Stream<Path> files = Files.walk(start)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(f).toString().replace('\\', '/');
                entries.put(name, Files.readAllBytes(f));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static byte[] write(Map<String, byte[]> entries) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
            m.setTime(FIXED_TIME);
            jar.putNextEntry(m);
            manifest.write(jar);
            jar.closeEntry();
            for (String dir : directories(entries.keySet().stream().toList())) {
                JarEntry d = new JarEntry(dir);
                d.setTime(FIXED_TIME);
                jar.putNextEntry(d);
                jar.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                JarEntry entry = new JarEntry(e.getKey());
                entry.setTime(FIXED_TIME);
                jar.putNextEntry(entry);
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<String> directories(List<String> files) {
        java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
        for (String f : files) {
            for (int i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) {
                dirs.add(f.substring(0, i + 1));
            }
        }
        return List.copyOf(dirs);
    }
}
