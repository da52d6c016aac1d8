package io.crashpipe.cli.serve;

import io.crashpipe.cli.EsTlsOptions;
import io.crashpipe.metrics.MetricsEndpoint;
import io.crashpipe.metrics.ServiceMetrics;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.consume.ResultSink;
import io.crashpipe.sink.consume.SinkConfig;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe serve sink}: crash reports and kernel log lines into Elasticsearch. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        header = "The index sink: crash-reports and kernel-log into Elasticsearch, offsets after acks.")
public final class ServeSink implements Callable<Integer> {
    @Mixin
    KafkaOption kafka = new KafkaOption();

    @Mixin
    RegistryOption registry = new RegistryOption();

    @Option(names = "--es", defaultValue = "${env:CRASHPIPE_ES_URL:-http://127.0.0.1:9200}",
            description = "Elasticsearch URL ($CRASHPIPE_ES_URL; default ${DEFAULT-VALUE})")
    URI elasticsearch;

    @Option(names = "--group-id", defaultValue = "${env:CRASHPIPE_SINK_GROUP:-" + SinkConfig.DEFAULT_GROUP_ID + "}",
            description = "consumer group ($CRASHPIPE_SINK_GROUP; default ${DEFAULT-VALUE})")
    String groupId;

    @Option(names = "--index-prefix", defaultValue = "${env:CRASHPIPE_INDEX_PREFIX:-}",
            description = "prefix of the crash-reports and kernel-log index names ($CRASHPIPE_INDEX_PREFIX; default none)")
    String indexPrefix;

    @Mixin
    EsTlsOptions tls = new EsTlsOptions();

    @Mixin
    MetricsOption metrics = new MetricsOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServiceMetrics.install(); // before the sink starts, so its Kafka binders bind
        ResultSink sink = ResultSink.start(SinkConfig.local(kafka.bootstrap, registry.url, elasticsearch).withGroupId(groupId)
                .withIndices(SinkIndices.withPrefix(indexPrefix)), tls.toTls());
        MetricsEndpoint endpoint = metrics.start(new MetricsEndpoint.Probes(sink::running, sink::running));
        Foreground.hold(() -> {
            if (endpoint != null) {
                endpoint.close();
            }
            sink.close();
        }, "crashpipe ready sink=" + groupId + " elasticsearch=" + io.crashpipe.sink.EsClients.redacted(elasticsearch)
                + " kafka=" + kafka.bootstrap + MetricsOption.describe(endpoint),
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
