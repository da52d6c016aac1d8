package io.crashpipe.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import io.crashpipe.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeGatewayOptionsTest {
    private static GatewayConfig parse(String... args) {
        ServeGateway cmd = new ServeGateway();
        new CommandLine(cmd).parseArgs(args);
        return cmd.config(Set.of());
    }

    @Test
    void withoutOptionsTheLimitsAreTheGatewaysOwnDefaults() {
        GatewayConfig c = parse("--token-hashes", "/dev/null");
        assertEquals(GatewayConfig.DEFAULT_MAX_CHUNK_BYTES, c.maxChunkBytes());
        assertEquals(GatewayConfig.DEFAULT_MAX_METADATA_BYTES, c.maxMetadataBytes());
        assertEquals(GatewayConfig.DEFAULT_MAX_IN_FLIGHT_BYTES, c.maxInFlightBytes());
        assertEquals(GatewayConfig.Guards.DEFAULT, c.guards());
        assertEquals(Duration.ofSeconds(20), c.guards().drainTimeout(), "the drain wait of before it was an option");
        assertEquals(64, c.maxPendingEvents(), "derived: twice 64 MiB over 2 MiB");
    }

    @Test
    void everyLimitIsAnOption() {
        GatewayConfig c = parse("--token-hashes", "/dev/null", "--max-chunk-bytes", "1536K", "--max-metadata-bytes", "4M",
                "--inflight-bytes", "16M", "--max-pending-events", "40", "--max-connections", "300",
                "--header-timeout", "5s", "--read-timeout", "1500ms", "--idle-timeout", "2m", "--ledger-memory", "8M",
                "--drain-timeout", "45s");
        assertEquals(1536 * 1024, c.maxChunkBytes());
        assertEquals(4 << 20, c.maxMetadataBytes());
        assertEquals(16L << 20, c.maxInFlightBytes());
        assertEquals(new GatewayConfig.Guards(300, Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofMinutes(2),
                8L << 20, 40, Duration.ofSeconds(45)), c.guards());
        assertEquals(40, c.maxPendingEvents());
    }

    @Test
    void optionsCanBeKeptInAFile(@TempDir Path dir) throws Exception {
        Path args = Files.writeString(dir.resolve("gateway.args"),
                "--token-hashes /dev/null\n--max-connections 64\n--idle-timeout 45s\n--drain-timeout 5s\n");
        GatewayConfig c = parse("@" + args);
        assertEquals(64, c.guards().maxConnections());
        assertEquals(Duration.ofSeconds(45), c.guards().idleTimeout());
        assertEquals(Duration.ofSeconds(5), c.guards().drainTimeout());
    }

    @Test
    void aLimitOutOfRangeIsAUsageErrorNamingIt() {
        var e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--token-hashes", "/dev/null", "--max-chunk-bytes", "64M"));
        assertTrue(e.getMessage().contains("at most 8388608 bytes"), e.getMessage());
        e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--token-hashes", "/dev/null", "--max-connections", "0"));
        assertTrue(e.getMessage().contains("maxConnections > 0, got 0"), e.getMessage());
        assertThrows(CommandLine.ParameterException.class, () -> parse("--token-hashes", "/dev/null", "--read-timeout", "soon"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--token-hashes", "/dev/null", "--drain-timeout", "-5s"));
        assertEquals(Duration.ZERO, parse("--token-hashes", "/dev/null", "--drain-timeout", "0s").guards().drainTimeout(),
                "0s: stop without waiting");
    }

    @Test
    void theHelpNamesEachLimitsEnvironmentVariableAndDefault() {
        StringWriter out = new StringWriter();
        new CommandLine(new ServeGateway()).setUsageHelpWidth(400).usage(new PrintWriter(out));
        String help = out.toString();
        for (String s : new String[] {"--max-chunk-bytes", "CRASHPIPE_GATEWAY_MAX_CHUNK_BYTES; default 2M",
                "--max-connections", "default 1024", "--header-timeout", "default 20s", "--read-timeout", "default 30s",
                "--idle-timeout", "default 120s", "--ledger-memory", "CRASHPIPE_GATEWAY_LEDGER_MEMORY", "--max-pending-events",
                "--drain-timeout", "CRASHPIPE_GATEWAY_DRAIN_TIMEOUT; default 20s", "@FILE"}) {
            assertTrue(help.contains(s), s + " in\n" + help);
        }
    }
}
