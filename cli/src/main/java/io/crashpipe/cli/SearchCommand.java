package io.crashpipe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.search.CrashSearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe search QUERY}: the indexed crash reports and kernel log lines a query matches. */
@Command(name = "search", header = "Search the indexed crash reports and kernel log lines.", mixinStandardHelpOptions = true,
        description = {"Search every indexed crash: prints the matching crash reports and kernel log lines, newest first.",
            "QUERY is Elasticsearch's simple query syntax: words are ANDed, \"a phrase\", -exclude, prefix*."})
public final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUERY", description = "what to look for")
    String query;

    @Option(names = "--url", paramLabel = "URL",
            description = {"Elasticsearch URL; default: $" + EsClients.URL_ENV + ",", "else " + EsClients.DEFAULT_URL})
    URI url;

    @Option(names = "--size", paramLabel = "N", defaultValue = "20",
            description = "at most N crashes and N log lines (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--index-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "prefix of the crash-reports and kernel-log index names (default: none)")
    String indexPrefix;

    @picocli.CommandLine.Mixin
    EsTlsOptions tls = new EsTlsOptions();

    @Option(names = "--json", description = "print a JSON array of the matching crash-report documents as indexed")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        URI target = url != null ? url : EsClients.defaultUri();
        ElasticsearchClient client = EsClients.connect(target, tls.toTls());
        CrashSearch.Results results;
        try {
            results = new CrashSearch(client, SinkIndices.withPrefix(indexPrefix)).search(query, size);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach Elasticsearch at " + target + " (is `crashpipe up` running? set --url or $"
                    + EsClients.URL_ENV + ")", e);
        } catch (IOException e) {
            throw new IOException("search at " + target + " failed: " + e.getMessage(), e);
        } finally {
            EsClients.close(client);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, results.crashes().documents());
            return 0;
        }
        printGroups(out, results.groups());
        printCrashes(out, results.crashes());
        printLogLines(out, results.logLines());
        out.flush();
        return 0;
    }

    private static void printCrashes(PrintWriter out, CrashSearch.Hits hits) {
        out.println("crashes: " + shown(hits));
        for (ObjectNode d : hits.documents()) {
            String title = text(d, "/crash/title");
            out.println("  " + String.join("  ", text(d, "/@timestamp"), text(d, "/host/name"), text(d, "/host/os/kernel"),
                    text(d, "/crash/dump_id"), title.isEmpty() ? text(d, "/error/message") : title));
        }
    }

    private static void printGroups(PrintWriter out, CrashSearch.Hits hits) {
        if (hits.total() == 0) {
            return; // no groups index yet (or nothing grouped matches): keep the output as it was
        }
        out.println("crash groups: " + shown(hits));
        for (ObjectNode d : hits.documents()) {
            out.println("  " + String.join("  ", text(d, "/group/count") + " dumps", text(d, "/group/hosts/count") + " hosts",
                    "last " + text(d, "/group/last_seen"), text(d, "/crash/signature"), text(d, "/crash/title")));
        }
    }

    private static void printLogLines(PrintWriter out, CrashSearch.Hits hits) {
        out.println("log lines: " + shown(hits));
        for (ObjectNode d : hits.documents()) {
            out.println("  " + String.join("  ", text(d, "/host/name"), text(d, "/crash/dump_id"),
                    "#" + text(d, "/crash/log/seq"), uptime(d.at("/crash/log/uptime_ns")), text(d, "/message")));
        }
    }

    private static String shown(CrashSearch.Hits hits) {
        return hits.documents().size() == hits.total() ? Long.toString(hits.total())
                : hits.documents().size() + " of " + hits.total();
    }

    /** printk's own timestamp form, [seconds.microseconds]. */
    private static String uptime(JsonNode nanos) {
        long ns = nanos.asLong();
        return String.format("[%5d.%06d]", ns / 1_000_000_000L, ns % 1_000_000_000L / 1000);
    }

    private static String text(JsonNode d, String pointer) {
        JsonNode n = d.at(pointer);
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }
}
