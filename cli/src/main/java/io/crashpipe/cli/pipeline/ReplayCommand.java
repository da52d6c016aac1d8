package io.crashpipe.cli.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.crashpipe.parsers.ParsersVersion;
import io.crashpipe.topology.Replay;
import io.crashpipe.topology.TopologyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe replay}: re-analyse every retained dump with the current parsers. */
@Command(name = "replay", header = "Re-analyse every retained dump with this build's parsers.", mixinStandardHelpOptions = true,
        description = {"Re-analyse every dump still in the retained ingest topics with this build's parsers: runs the",
            "analysis topology under a new application id from the first offset, and exits once it has caught up.",
            "The index sink (running in 'crashpipe up') then replaces older parser versions' documents;",
            "a result of an older version never replaces a newer one."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "bootstrap servers (default: the local stack, 127.0.0.1:" + LocalStack.DEFAULT_KAFKA_PORT + ")")
    String kafka = "127.0.0.1:" + LocalStack.DEFAULT_KAFKA_PORT;

    @Option(names = "--registry", paramLabel = "URL", description = "schema registry (default: the local stack's)")
    URI registry = URI.create("http://127.0.0.1:" + LocalStack.DEFAULT_REGISTRY_PORT + "/");

    @Option(names = "--parser-version", paramLabel = "V",
            description = "version stamped on the results (default: this build's, ${DEFAULT-VALUE})")
    String parserVersion = ParsersVersion.CURRENT;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the replay keeps its state (default: a temporary directory)")
    Path stateDir;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutMinutes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        Path state = stateDir != null ? stateDir : java.nio.file.Files.createTempDirectory("crashpipe-replay");
        TopologyConfig config = TopologyConfig.local(kafka, registry, state).asReplay(parserVersion);
        Replay.Result r = Replay.run(config, Duration.ofMinutes(timeoutMinutes), m -> {
            err.println("crashpipe replay: " + m);
            err.flush();
        });
        spec.commandLine().getOut().printf("replayed %d ingest records as %s: %d reports (parser %s) in %.1f s%n",
                r.inputRecords(), r.applicationId(), r.reports(), parserVersion, r.took().toMillis() / 1000.0);
        if (r.skipped() > 0 || !r.unfinished().isEmpty()) {
            // their earlier documents stay: a replay never reports a dump whose pages expired
            spec.commandLine().getOut().printf("not re-analysed: %d dumps whose pages are no longer retained"
                    + " (dead-letters names them), %d whose events end before the seal%s%n", r.skipped(),
                    r.unfinished().size(), r.unfinished().isEmpty() ? "" : ": " + String.join(", ", r.unfinished()));
        }
        return 0;
    }
}
