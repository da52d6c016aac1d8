package io.crashpipe.cli.bench.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.agent.AgentHost;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.Progress;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.Uploader;
import io.crashpipe.gateway.Gateway;
import io.crashpipe.gateway.GatewayConfig;
import io.crashpipe.localkafka.LocalKafkaCluster;
import io.crashpipe.schemas.TopicAdmin;
import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.EmbeddedRegistry;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.TestElasticsearch;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import io.crashpipe.topology.DumpAnalysisApp;
import io.crashpipe.topology.TopologyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on a real three-broker KRaft cluster (replication 3, min ISR 2): two topology
 * instances under one application id (each its own state directory) and two sinks in one
 * consumer group share the work of dumps uploaded through two gateways; then one topology
 * instance and one sink stop and the others take their partitions over. Every dump ends up in
 * Elasticsearch exactly once: one report, and exactly the offline number of kernel-log lines.
 */
class ScaleOutIT {
    /** The repository's sample (a genuine kdump of Debian's 6.1 kernel, shrunk), restamped per host. */
    private static final List<Path> SOURCES = List.of(Path.of("..", "samples", "sample.kdump"));
    private static final int FIRST = 12;
    private static final int SECOND = 4;

    @TempDir
    Path work;

    @Test
    void twoTopologiesAndTwoSinksIndexEveryDumpExactlyOnceAndSurviveLosingOneOfEach() throws Exception {
        List<StormDumps.HostDump> fleet = StormDumps.make(SOURCES, FIRST + SECOND, FIRST + SECOND, work.resolve("dumps"),
                Instant.parse("2026-12-06T12:00:00Z"));
        SinkIndices indices = SinkIndices.withPrefix("scale-" + Long.toHexString(System.nanoTime()) + "-");
        String token = "scale-out-it";
        try (LocalKafkaCluster kafka = LocalKafkaCluster.builder().brokers(3).controllers(1).start()) {
            try (Admin admin = kafka.admin()) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 3, 6);
                assertEquals("2", admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.DUMP_PAGES.name())))
                        .all().get().values().iterator().next().get("min.insync.replicas").value());
            }
            try (EmbeddedRegistry registry = EmbeddedRegistry.start(kafka.bootstrapServers(),
                    new InetSocketAddress("127.0.0.1", 0), (short) 3)) {
                List<Gateway> gateways = new ArrayList<>();
                List<URI> gatewayUris = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Gateway g = Gateway.start(GatewayConfig.local(new InetSocketAddress("127.0.0.1", 0),
                            kafka.bootstrapServers(), registry.uri(), Set.of(GatewayConfig.sha256Hex(token))));
                    gateways.add(g);
                    gatewayUris.add(URI.create("http://127.0.0.1:" + g.address().getPort() + "/"));
                }
                DumpAnalysisApp topology1 = DumpAnalysisApp.start(topology(kafka, registry, 1), Duration.ofMinutes(3));
                DumpAnalysisApp topology2 = DumpAnalysisApp.start(topology(kafka, registry, 2), Duration.ofMinutes(3));
                ResultSink sink1 = ResultSink.start(sink(kafka, registry, indices));
                ResultSink sink2 = ResultSink.start(sink(kafka, registry, indices));
                boolean firstStopped = false;
                try (IndexedCounts counts = new IndexedCounts(TestElasticsearch.uri(), indices, fleet.size())) {
                    upload(fleet.subList(0, FIRST), gatewayUris, token);
                    awaitExactlyOnce(counts, fleet.subList(0, FIRST));
                    assertTrue(topology1.reported() > 0 && topology2.reported() > 0,
                            "both instances analysed dumps: " + topology1.reported() + " and " + topology2.reported());

                    topology1.close();
                    sink1.close();
                    firstStopped = true;
                    upload(fleet.subList(FIRST, FIRST + SECOND), gatewayUris, token);
                    awaitExactlyOnce(counts, fleet);
                } finally {
                    if (!firstStopped) {
                        topology1.close();
                        sink1.close();
                    }
                    topology2.close();
                    sink2.close();
                    gateways.forEach(Gateway::close);
                }
            }
        }
    }

    private TopologyConfig topology(LocalKafkaCluster kafka, EmbeddedRegistry registry, int instance) throws Exception {
        return TopologyConfig.local(kafka.bootstrapServers(), registry.uri(),
                        Files.createDirectories(work.resolve("topology-" + instance)))
                .withApplicationId("scale-out-it").withReplicationFactor(3).withStandbyReplicas(1);
    }

    private static SinkConfig sink(LocalKafkaCluster kafka, EmbeddedRegistry registry, SinkIndices indices) {
        return SinkConfig.local(kafka.bootstrapServers(), registry.uri(), TestElasticsearch.uri()).withIndices(indices)
                .withGroupId("scale-out-it-sink");
    }

    /** Each dump through the gateways in turn, as its host's agent would. */
    private void upload(List<StormDumps.HostDump> dumps, List<URI> gateways, String token) throws Exception {
        for (int i = 0; i < dumps.size(); i++) {
            StormDumps.HostDump d = dumps.get(i);
            UploadOptions options = UploadOptions.defaults(gateways.get(i % gateways.size()), token,
                    work.resolve("agents").resolve(d.host())).withHost(new AgentHost(d.host(), Optional.empty()));
            new Uploader(options).upload(FoundDump.single(d.file()), Progress.NONE);
        }
    }

    private static void awaitExactlyOnce(IndexedCounts counts, List<StormDumps.HostDump> dumps) throws Exception {
        Map<String, Integer> expected = new LinkedHashMap<>();
        dumps.forEach(d -> expected.put(d.dumpId(), d.logLines()));
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        StormResult r;
        do {
            Thread.sleep(1000);
            r = StormResult.of(expected, dumps.size(), counts.read(), 0, new double[0]);
        } while (r.lost() > 0 && System.nanoTime() < deadline);
        Thread.sleep(3000); // a re-delivery would show now
        r = StormResult.of(expected, dumps.size(), counts.read(), 0, new double[0]);
        StringWriter why = new StringWriter();
        new PrintWriter(why, true).printf("lost %s, duplicated %s", r.lostIds(), r.duplicatedIds());
        assertEquals(0, r.lost(), why.toString());
        assertEquals(0, r.duplicated(), why.toString());
        assertEquals(dumps.size(), r.reports());
        assertTrue(dumps.stream().allMatch(d -> d.logLines() > 300), "each dump has its whole kernel log (> 300 lines)");
    }
}
