package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.crashpipe.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The k8s manifests agree with the code: topics as Topics declares them, commands the CLI has. */
class K8sManifestsTest {
    private static final Path DIR = Path.of("..", "k8s");

    private static List<JsonNode> documents() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var it = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode d = (JsonNode) it.next();
                        if (d != null && !d.isEmpty()) {
                            out.add(d);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyPipelineTopicIsDeclaredWithThePartitionsAndSettingsOfTopics() throws IOException {
        Map<String, JsonNode> declared = new HashMap<>();
        for (JsonNode d : documents()) {
            if (d.path("kind").asText().equals("KafkaTopic")) {
                JsonNode spec = d.path("spec");
                declared.put(spec.has("topicName") ? spec.path("topicName").asText() : d.path("metadata").path("name").asText(), spec);
            }
        }
        List<Topics.TopicSpec> all = new ArrayList<>(Topics.ALL);
        all.add(Topics.SCHEMAS);
        for (Topics.TopicSpec t : all) {
            JsonNode spec = declared.get(t.name());
            assertNotNull(spec, "k8s/kafka.yaml declares topic " + t.name());
            assertEquals(t.partitions(), spec.path("partitions").asInt(), t.name() + " partitions");
            t.config().forEach((k, v) -> assertEquals(v, spec.path("config").path(k).asText(), t.name() + " " + k));
        }
        assertEquals(all.size(), declared.size(), "no topic the code does not know: " + declared.keySet());
    }

    @Test
    void everyContainerRunsACommandAndOptionsTheCliHasAndItsEnvironmentIsRead() throws IOException {
        int containers = 0;
        for (JsonNode d : documents()) {
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                containers++;
                List<String> args = new ArrayList<>();
                c.path("args").forEach(a -> args.add(a.asText()));
                assertFalse(args.isEmpty(), c.path("name").asText() + " has args");
                CommandLine cmd = CrashpipeCommand.commandLine();
                int i = 0;
                while (i < args.size() && cmd.getSubcommands().containsKey(args.get(i))) {
                    cmd = cmd.getSubcommands().get(args.get(i++));
                }
                assertTrue(i > 0, "container " + c.path("name").asText() + " runs a crashpipe command: " + args);
                for (String a : args.subList(i, args.size())) {
                    if (a.startsWith("--")) {
                        assertNotNull(cmd.getCommandSpec().findOption(a), cmd.getCommandName() + " has option " + a);
                    }
                }
                cmd.getCommandSpec().interpolateVariables(false); // the raw ${env:...} defaults
                List<String> envRead = cmd.getCommandSpec().options().stream().map(OptionSpec::defaultValue)
                        .filter(v -> v != null && v.contains("${env:")).toList();
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    if (name.startsWith("CRASHPIPE_")) {
                        assertTrue(envRead.stream().anyMatch(v -> v.contains("${env:" + name)),
                                cmd.getCommandName() + " reads $" + name);
                    }
                }
            }
        }
        assertEquals(5, containers, "registry, gateway, topology, sink, agent");
    }
}
