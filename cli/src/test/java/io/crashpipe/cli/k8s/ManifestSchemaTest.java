package io.crashpipe.cli.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every object in {@code k8s/*.yaml} is valid against the published schema of its kind, as
 * strict as {@code kubectl apply --validate=strict}: Kubernetes 1.31 (the oldest release the
 * manifests target), Strimzi 0.49.0's {@code kafka.strimzi.io/v1} CRDs and ECK 2.16.0's. An
 * object whose apiVersion and kind no schema knows (Strimzi's old v1beta2, a typo) fails too.
 *
 * <p>The schemas are trimmed from the projects' own CRDs and OpenAPI documents by
 * {@code k8s/schemas/extract.py} into {@code shared/k8s-schemas} (or {@code -Dcrashpipe.k8s.schemas=DIR}).
 */
class ManifestSchemaTest {
    /** The releases the manifests are checked against (k8s/README.md names them). */
    static final List<String> SOURCES = List.of("kubernetes-1.31", "strimzi-0.49.0", "eck-v2.16.0");
    private static final Path MANIFESTS = Path.of("..", "k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Schema> SCHEMAS = new HashMap<>();

    static Path schemaDir() {
        String explicit = System.getProperty("crashpipe.k8s.schemas");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("crashpipe.fixtures", "../../shared/fixtures")).resolve("..").resolve("k8s-schemas")
                .normalize();
    }

    @BeforeAll
    static void loadSchemas() throws IOException {
        Path dir = schemaDir();
        Assumptions.assumeTrue(Files.isDirectory(dir), "no Kubernetes/Strimzi/ECK schemas at " + dir.toAbsolutePath()
                + ": make them with k8s/schemas/extract.py (see k8s/README.md) or point -Dcrashpipe.k8s.schemas at them");
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        for (String source : SOURCES) {
            Path sub = dir.resolve(source);
            assertTrue(Files.isDirectory(sub), "the schemas of " + source + " in " + dir);
            try (Stream<Path> files = Files.list(sub)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    JsonNode entry = JSON.readTree(f.toFile());
                    String key = key(entry.path("apiVersion").asText(), entry.path("kind").asText());
                    SCHEMAS.put(key, registry.getSchema(JSON.writeValueAsString(entry.path("schema")), InputFormat.JSON));
                }
            }
        }
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    static List<JsonNode> documents(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
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

    /** What the schema of the document's kind says is wrong with it; empty when it is valid. */
    static List<String> problems(JsonNode doc) throws IOException {
        String what = doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
        Schema schema = SCHEMAS.get(key(doc.path("apiVersion").asText(), doc.path("kind").asText()));
        if (schema == null) {
            return List.of(what + ": no schema for apiVersion " + doc.path("apiVersion").asText() + " kind "
                    + doc.path("kind").asText() + " in " + SOURCES);
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(JSON.writeValueAsString(doc), InputFormat.JSON)) {
            out.add(what + ": " + e.getInstanceLocation() + " " + e.getMessage());
        }
        return out;
    }

    @Test
    void everyManifestIsValidAgainstTheKubernetesStrimziAndEckSchemasOfItsKind() throws IOException {
        List<JsonNode> docs = documents(MANIFESTS);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> kinds = new HashMap<>();
        for (JsonNode d : docs) {
            problems.addAll(problems(d));
            kinds.merge(d.path("kind").asText(), 1, Integer::sum);
        }
        assertEquals(List.of(), problems);
        // the objects a deployment needs are all there and were all checked
        for (String kind : List.of("Namespace", "PriorityClass", "Kafka", "KafkaNodePool", "KafkaTopic", "Elasticsearch",
                "Kibana", "Deployment", "StatefulSet", "DaemonSet", "Service", "ConfigMap", "Secret")) {
            assertTrue(kinds.containsKey(kind), "k8s/ declares a " + kind + ": " + kinds);
        }
    }

    @Test
    void theSchemasAreStrictAMisspelledFieldAndStrimzisOldApiAreRefused() throws IOException {
        JsonNode deployment = documents(MANIFESTS).stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode typo = deployment.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) typo.path("spec")).put("replica", 2);
        assertFalse(problems(typo).isEmpty(), "spec.replica (for replicas) is refused");
        JsonNode kafka = documents(MANIFESTS).stream().filter(d -> d.path("kind").asText().equals("Kafka")).findFirst().orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode old = kafka.deepCopy();
        old.put("apiVersion", "kafka.strimzi.io/v1beta2");
        assertTrue(problems(old).get(0).contains("no schema"), problems(old).toString());
    }
}
