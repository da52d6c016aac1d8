package io.crashpipe.cli.bench.storm;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.crashpipe.cli.TempTrees;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crashpipe bench storm}: a crash storm on a real cluster. Hosts upload their dumps at once
 * through two gateways to a three-broker Kafka cluster, two topology instances and two sinks
 * write Elasticsearch; meanwhile one broker, one topology instance, one gateway and one sink are
 * killed with SIGKILL at random moments and started again. Then every dump is counted in
 * Elasticsearch by its id, its report and its kernel-log lines against the offline count.
 */
@Command(name = "storm", mixinStandardHelpOptions = true,
        header = "A crash storm on a real 3-broker cluster, with SIGKILLs; counts lost and duplicated reports.",
        description = {"Restamps the given small kdump files (host name, time) into one dump per simulated host,",
            "starts Kafka (brokers and controllers in their own JVMs), Elasticsearch, the registry, and each",
            "service as 'crashpipe serve' in its own JVM, uploads every dump at once, kills one broker, topology,",
            "gateway and sink with SIGKILL at random moments (each restarted after a pause), waits until every",
            "report and kernel-log line is searchable, and counts them by dump id. The last line reads:",
            "crash-storm: D dumps from H hosts, R reports indexed, L lost, X duplicated, K kills, p50 S s, p99 S s"})
public final class StormBenchmark implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "DUMP", description = "small kdump-compressed dumps to restamp"
            + " (default: samples/sample.kdump, from the current directory)")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--dumps", defaultValue = "20", description = "dumps in the storm (default ${DEFAULT-VALUE})")
    int dumps;

    @Option(names = "--hosts", description = "hosts they come from (default: one dump per host)")
    Integer hosts;

    @Option(names = "--gateways", defaultValue = "2", description = "default ${DEFAULT-VALUE}")
    int gateways;

    @Option(names = "--topologies", defaultValue = "2", description = "topology instances (default ${DEFAULT-VALUE})")
    int topologies;

    @Option(names = "--sinks", defaultValue = "2", description = "default ${DEFAULT-VALUE}")
    int sinks;

    @Option(names = "--brokers", defaultValue = "3", description = "default ${DEFAULT-VALUE}")
    int brokers;

    @Option(names = "--controllers", defaultValue = "1", description = "KRaft controllers (default ${DEFAULT-VALUE}: not a kill target; 3 for a quorum that survives one loss)")
    int controllers;

    @Option(names = "--partitions", defaultValue = "6", description = "of the keyed topics (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--no-kills", description = "the same storm without any kill (the throughput baseline)")
    boolean noKills;

    @Option(names = "--seed", description = "random seed of the kills (default: the time)")
    Long seed;

    @Option(names = "--kill-gap", defaultValue = "3:20", description = "seconds MIN:MAX before each kill (default ${DEFAULT-VALUE})")
    String killGap;

    @Option(names = "--kill-pause", defaultValue = "3:10", description = "seconds MIN:MAX a victim stays down (default ${DEFAULT-VALUE})")
    String killPause;

    @Option(names = "--timeout", defaultValue = "40", description = "minutes to wait for every report (default ${DEFAULT-VALUE})")
    long timeoutMinutes;

    @Option(names = "--broker-heap", defaultValue = "256m", description = "default ${DEFAULT-VALUE}")
    String brokerHeap;

    @Option(names = "--service-heap", defaultValue = "256m", description = "gateways and sinks (default ${DEFAULT-VALUE})")
    String serviceHeap;

    @Option(names = "--topology-heap", defaultValue = "384m", description = "default ${DEFAULT-VALUE}")
    String topologyHeap;

    @Option(names = "--work", description = "working directory, kept (default: a temporary one, deleted)")
    Path work;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path cliJar = cliJar();
        List<Path> inputs = sources.isEmpty() ? defaultSources() : sources;
        boolean temporary = work == null;
        Path dir = temporary ? Files.createTempDirectory("crashpipe-storm-") : Files.createDirectories(work);
        int hostCount = hosts == null ? dumps : hosts;
        try {
            List<StormDumps.HostDump> fleet = StormDumps.make(inputs, dumps, hostCount, dir.resolve("dumps"), Instant.now());
            out.printf("crash-storm: %d dumps from %d hosts made from %d sources (%s)%n", fleet.size(), hostCount,
                    inputs.size(), inputs);
            out.flush();
            StormStack.Shape shape = new StormStack.Shape(brokers, controllers, gateways, topologies, sinks, partitions,
                    brokerHeap, serviceHeap, topologyHeap);
            try (StormStack stack = StormStack.start(shape, cliJar, dir.resolve("stack"), out)) {
                StormResult result = storm(stack, fleet, hostCount, dir, out);
                out.println(result.line());
                out.flush();
                return result.lost() == 0 && result.duplicated() == 0 ? 0 : 1;
            }
        } finally {
            if (temporary) {
                TempTrees.delete(dir);
            }
        }
    }

    private StormResult storm(StormStack stack, List<StormDumps.HostDump> fleet, int hostCount, Path dir, PrintWriter out)
            throws IOException, InterruptedException {
        Map<String, Integer> expected = new LinkedHashMap<>();
        fleet.forEach(d -> expected.put(d.dumpId(), d.logLines()));
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(timeoutMinutes).toNanos();
        FleetUploads uploads = new FleetUploads(fleet, stack.gatewayUris, stack.token, dir.resolve("agents"), out);
        CountDownLatch uploaded = uploads.start(deadline);
        Chaos chaos = null;
        Thread chaosThread = null;
        if (!noKills) {
            chaos = new Chaos(victims(stack), range(killGap), range(killPause), seed == null ? System.nanoTime() : seed, t0, out);
            chaosThread = Thread.ofPlatform().name("crash-storm-chaos").start(chaos);
        }
        GatewayAnswers answers = new GatewayAnswers(stack.gatewayUris);
        Map<String, Double> latency = new HashMap<>();
        IndexedCounts.Snapshot last;
        long lastProgress = 0;
        try (IndexedCounts counts = new IndexedCounts(stack.elasticsearch.uri(), stack.indices, fleet.size())) {
            while (true) {
                last = counts.read();
                answers.scrape();
                long now = System.nanoTime();
                for (var e : expected.entrySet()) {
                    String id = e.getKey();
                    if (!latency.containsKey(id) && last.reports().getOrDefault(id, 0L) > 0
                            && last.logLines().getOrDefault(id, 0L) >= e.getValue()) {
                        latency.put(id, (now - uploads.started.getOrDefault(id, t0)) / 1e9);
                    }
                }
                boolean kills = chaosThread == null || !chaosThread.isAlive();
                if ((latency.size() == expected.size() && kills) || now > deadline) {
                    break;
                }
                if (now - lastProgress > Duration.ofSeconds(15).toNanos()) {
                    out.printf("crash-storm: %.0f s: %d uploads done, %d of %d dumps searchable%n", (now - t0) / 1e9,
                            fleet.size() - uploaded.getCount(), latency.size(), expected.size());
                    out.flush();
                    lastProgress = now;
                }
                Thread.sleep(1000);
            }
            double stormSeconds = (System.nanoTime() - t0) / 1e9;
            if (chaos != null) {
                chaos.stop();
                chaosThread.join();
            }
            // a re-delivery would show now: count again once everything has settled
            Thread.sleep(5000);
            last = counts.read();
            int kills = chaos == null ? 0 : chaos.killCount();
            StormResult r = StormResult.of(expected, hostCount, last, kills,
                    latency.values().stream().mapToDouble(Double::doubleValue).toArray());
            double lastReport = latency.values().stream().mapToDouble(Double::doubleValue).max().orElse(stormSeconds);
            out.printf(Locale.ROOT, "crash-storm: throughput %.1f dumps/min %s (%d dumps searchable within %.1f s;"
                    + " %d upload retries)%n", 60.0 * latency.size() / lastReport, noKills ? "without kills" : "with "
                    + kills + " kills", latency.size(), lastReport, uploads.retries.get());
            out.println("crash-storm: upload retries by the agent's last answer: " + uploads.failures.summary());
            answers.scrape();
            out.println("crash-storm: gateways answered (every attempt, all lives): " + answers.summary());
            if (chaos != null) {
                for (Chaos.Kill k : chaos.kills()) {
                    out.printf(Locale.ROOT, "crash-storm: killed %s at %.1f s, back after %.1f s%n", k.victim(),
                            k.atSeconds(), k.downSeconds());
                }
            }
            if (!r.lostIds().isEmpty()) {
                out.println("crash-storm: lost " + describe(r.lostIds(), expected, last));
            }
            if (!r.duplicatedIds().isEmpty()) {
                out.println("crash-storm: duplicated " + describe(r.duplicatedIds(), expected, last));
            }
            return r;
        }
    }

    private static String describe(List<String> ids, Map<String, Integer> expected, IndexedCounts.Snapshot s) {
        List<String> parts = new ArrayList<>();
        for (String id : ids) {
            parts.add(id + " (reports " + s.reports().getOrDefault(id, 0L) + ", log lines "
                    + s.logLines().getOrDefault(id, 0L) + " of " + expected.get(id) + ")");
        }
        return String.join(", ", parts);
    }

    /** One broker, one topology instance, one gateway, one sink: the candidates of each kind. */
    private static List<List<Chaos.Victim>> victims(StormStack stack) {
        List<Chaos.Victim> brokerVictims = new ArrayList<>();
        for (int i = 0; i < stack.kafka.size(); i++) {
            int b = i;
            brokerVictims.add(new Chaos.Victim() {
                @Override
                public String name() {
                    return "broker-" + (b + 1);
                }

                @Override
                public void kill() {
                    stack.kafka.killBroker(b);
                }

                @Override
                public void restart() throws IOException {
                    stack.kafka.restartBroker(b);
                }
            });
        }
        return List.of(brokerVictims, services(stack.topologies), services(stack.gateways), services(stack.sinks));
    }

    private static List<Chaos.Victim> services(List<ServiceProcess> processes) {
        List<Chaos.Victim> out = new ArrayList<>();
        for (ServiceProcess p : processes) {
            out.add(new Chaos.Victim() {
                @Override
                public String name() {
                    return p.name();
                }

                @Override
                public void kill() throws InterruptedException {
                    p.kill();
                }

                @Override
                public void restart() throws IOException, InterruptedException {
                    p.start(Duration.ofMinutes(10));
                }
            });
        }
        return out;
    }

    private static Chaos.Range range(String minMax) {
        String[] p = minMax.split(":");
        return new Chaos.Range(Double.parseDouble(p[0]), Double.parseDouble(p[p.length - 1]));
    }

    private static List<Path> defaultSources() {
        Path sample = Path.of("samples", "sample.kdump");
        if (!Files.isRegularFile(sample)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new StormBenchmark()),
                    "no dumps given and samples/sample.kdump is not in the current directory");
        }
        return List.of(sample);
    }

    /** The jar this command runs from: the services run from it too. */
    private static Path cliJar() throws Exception {
        Path p = Path.of(StormBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(p)) {
            throw new IOException("bench storm runs the services from the packaged CLI jar; this runs from " + p);
        }
        return p;
    }

}
