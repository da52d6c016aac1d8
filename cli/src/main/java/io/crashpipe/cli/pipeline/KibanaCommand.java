package io.crashpipe.cli.pipeline;

import io.crashpipe.sink.KibanaObjects;
import io.crashpipe.sink.SinkIndices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe kibana-objects}: the Kibana saved objects for the indices a deployment writes. */
@Command(name = "kibana-objects", header = "Print the Kibana saved objects (ndjson) for the configured indices.",
        mixinStandardHelpOptions = true,
        description = {"Print crashpipe's Kibana saved objects (data views, searches, Lens visualizations, the dashboard)",
            "as ndjson, with the data views on the indices the sink writes. Import them with Kibana's",
            "POST /api/saved_objects/_import?overwrite=true (header kbn-xsrf: true, form field 'file')."})
public final class KibanaCommand implements Callable<Integer> {
    @Option(names = "--index-prefix", paramLabel = "PREFIX", defaultValue = "${env:CRASHPIPE_INDEX_PREFIX:-}",
            description = "prefix of the crash-reports and kernel-log index names, as given to the sink (default: none)")
    String indexPrefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(KibanaObjects.ndjson(KibanaObjects.forIndices(SinkIndices.withPrefix(indexPrefix))));
        out.flush();
        return 0;
    }
}
