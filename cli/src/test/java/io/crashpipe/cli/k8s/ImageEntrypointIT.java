package io.crashpipe.cli.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The image's ENTRYPOINT, exactly as k8s/Dockerfile writes it, started with a JDK of the major
 * version the image's base names, on the files its COPY lines put in the image (paths inside
 * the image mapped back to the build's): it must start and run a command, with no option the JVM
 * refuses and no warning. And the check bites: a JDK older than the options need refuses them.
 */
class ImageEntrypointIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKERFILE = ROOT.resolve("k8s/Dockerfile");

    /** The Dockerfile's facts: base image's JDK major, ENTRYPOINT argv, COPY destination -> source. */
    record Image(int jdkMajor, List<String> entrypoint, Map<String, Path> copies) {
        static Image read() throws IOException {
            int major = -1;
            List<String> entry = List.of();
            Map<String, Path> copies = new LinkedHashMap<>();
            for (String line : Files.readAllLines(DOCKERFILE)) {
                Matcher from = Pattern.compile("^FROM\\s+eclipse-temurin:(\\d+)[-.].*").matcher(line);
                if (from.matches()) {
                    major = Integer.parseInt(from.group(1));
                } else if (line.startsWith("ENTRYPOINT ")) {
                    entry = List.of(new ObjectMapper().readValue(line.substring("ENTRYPOINT ".length()), String[].class));
                } else if (line.startsWith("COPY ")) {
                    String[] p = line.substring(5).trim().split("\\s+");
                    copies.put(p[1], ROOT.resolve(p[0]));
                }
            }
            assertTrue(major > 0, "k8s/Dockerfile names an eclipse-temurin:MAJOR base image");
            assertFalse(entry.isEmpty(), "k8s/Dockerfile has an exec-form ENTRYPOINT");
            return new Image(major, entry, copies);
        }

        /** The entrypoint with {@code java} from {@code jdk} and in-image paths mapped to the build's files. */
        List<String> commandLine(Path jdk) {
            List<String> out = new ArrayList<>();
            for (String a : entrypoint) {
                String mapped = a.equals("java") ? jdk.resolve("bin/java").toString() : a;
                for (Map.Entry<String, Path> c : copies.entrySet()) {
                    if (mapped.equals(c.getKey())) {
                        mapped = c.getValue().toString();
                    }
                }
                out.add(mapped);
            }
            return out;
        }
    }

    /** Installed JDKs by major version, from their release files. */
    static Map<Integer, Path> jdks() throws IOException {
        Map<Integer, Path> out = new LinkedHashMap<>();
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(homes::add);
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> s = Files.list(jvm)) {
                s.sorted().forEach(homes::add);
            }
        }
        for (Path home : homes) {
            Path release = home.resolve("release");
            if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                if (m.find()) {
                    out.putIfAbsent(Integer.parseInt(m.group(1)), home.toRealPath());
                }
            }
        }
        return out;
    }

    private static String run(List<String> cmd, int[] exit) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + cmd);
        exit[0] = p.exitValue();
        return out;
    }

    @Test
    void theEntrypointStartsWithTheJdkTheImageNamesAndTheImagesFileLayout() throws Exception {
        Image image = Image.read();
        Path jdk = jdks().get(image.jdkMajor());
        Assumptions.assumeTrue(jdk != null, "no JDK " + image.jdkMajor() + " installed (the one k8s/Dockerfile's base image"
                + " has); looked at $JAVA_HOME and /usr/lib/jvm");
        for (Map.Entry<String, Path> c : image.copies().entrySet()) {
            assertTrue(Files.exists(c.getValue()), "COPY source " + c.getValue() + " exists (failsafe runs after package)");
        }
        List<String> cmd = new ArrayList<>(image.commandLine(jdk));
        cmd.add("--version");
        int[] exit = new int[1];
        String out = run(cmd, exit);
        assertEquals(0, exit[0], String.join(" ", cmd) + " printed:\n" + out);
        assertTrue(out.contains("crashpipe"), out);
        assertFalse(out.contains("Unrecognized") || out.contains("WARNING"), "no refused option, no JVM warning:\n" + out);

        List<String> serve = new ArrayList<>(image.commandLine(jdk));
        serve.addAll(List.of("serve", "topology", "--help"));
        out = run(serve, exit);
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("--metrics-port"), out);
    }

    @Test
    void aJdkOlderThanTheOptionsNeedRefusesTheEntrypoint() throws Exception {
        Image image = Image.read();
        Optional<Map.Entry<Integer, Path>> old = jdks().entrySet().stream().filter(e -> e.getKey() < 23).findFirst();
        Assumptions.assumeTrue(old.isPresent(), "no JDK older than 23 installed to show the failure mode");
        List<String> cmd = image.commandLine(old.get().getValue());
        // the JVM options alone, with -version: the old JDK stops at the first option it lacks
        List<String> jvmOnly = new ArrayList<>(cmd.subList(0, cmd.indexOf("-jar")));
        jvmOnly.add("-version");
        int[] exit = new int[1];
        String out = run(jvmOnly, exit);
        assertNotEquals(0, exit[0], "JDK " + old.get().getKey() + " refuses " + jvmOnly);
        assertTrue(out.contains("Unrecognized option"), out);
    }
}
