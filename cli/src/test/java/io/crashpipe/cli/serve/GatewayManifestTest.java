package io.crashpipe.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.crashpipe.gateway.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The gateway Deployment in k8s/crashpipe.yaml sets its limits through variables `serve gateway` reads, to valid values. */
class GatewayManifestTest {
    private static final Path MANIFEST = Path.of("..", "k8s", "crashpipe.yaml");
    /** Each option's help names the variable it reads: "($CRASHPIPE_GATEWAY_...; default ...)". */
    private static final Pattern VARIABLE = Pattern.compile("\\(\\$(CRASHPIPE_[A-Z_]+)");

    private static JsonNode gatewayPod() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var parser = yaml.getFactory().createParser(MANIFEST.toFile())) {
            for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
                if (doc.path("kind").asText().equals("Deployment")
                        && doc.path("metadata").path("name").asText().equals("crashpipe-gateway")) {
                    return doc.path("spec").path("template").path("spec");
                }
            }
        }
        throw new AssertionError("no Deployment crashpipe-gateway in " + MANIFEST);
    }

    @Test
    void everyGatewayLimitInTheManifestIsAnOptionsVariableAndParses() throws Exception {
        JsonNode pod = gatewayPod();
        Map<String, String> env = new LinkedHashMap<>();
        pod.path("containers").get(0).path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        CommandLine cli = new CommandLine(new ServeGateway());
        Map<String, OptionSpec> byVariable = new LinkedHashMap<>();
        for (OptionSpec o : cli.getCommandSpec().options()) {
            Matcher m = VARIABLE.matcher(String.join(" ", o.description()));
            if (m.find()) {
                byVariable.put(m.group(1), o);
            }
        }
        List<String> args = new ArrayList<>(List.of("--token-hashes", "/dev/null"));
        for (var e : env.entrySet()) {
            if (e.getKey().startsWith("CRASHPIPE_GATEWAY_")) {
                OptionSpec o = byVariable.get(e.getKey());
                assertTrue(o != null, e.getKey() + " is read by no option of `serve gateway`: " + byVariable.keySet());
                args.addAll(List.of(o.longestName(), e.getValue()));
            }
        }
        for (String limit : List.of("MAX_CHUNK_BYTES", "INFLIGHT_BYTES", "MAX_CONNECTIONS", "IDLE_TIMEOUT", "DRAIN_TIMEOUT")) {
            assertTrue(env.containsKey("CRASHPIPE_GATEWAY_" + limit), "the manifest sets CRASHPIPE_GATEWAY_" + limit);
        }
        ServeGateway cmd = new ServeGateway();
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        GatewayConfig c = cmd.config(Set.of());
        assertEquals(GatewayConfig.DEFAULT_MAX_CHUNK_BYTES, c.maxChunkBytes());
        assertEquals(Duration.ofSeconds(30), c.guards().drainTimeout());
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > c.guards().drainTimeout().toSeconds() + 10,
                "the pod's grace period (" + grace + " s) covers the drain and the producer's 10 s flush");
    }
}
