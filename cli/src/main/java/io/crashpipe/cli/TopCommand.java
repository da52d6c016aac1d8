package io.crashpipe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.EsClients;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.search.TopCrashers;
import io.crashpipe.sink.search.TopCrashers.TopCrasher;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe top}: the signatures crashing most in a period, against the period before. */
@Command(name = "top", header = "Top crashers: signatures ranked by dumps in a period, with the change and NEW ones.",
        mixinStandardHelpOptions = true,
        description = {"Ranks crash signatures by dumps whose crash time falls in the period, like Socorro's Top Crashers:",
            "the count, the count of the period just before it, NEW when the signature's first dump is in the period,",
            "distinct hosts and kernel releases. Each dump counts once, under its newest parser's report."})
public final class TopCommand implements Callable<Integer> {
    private static final Pattern SPAN = Pattern.compile("(\\d+)([wdhm])");

    @Option(names = "--since", paramLabel = "SPAN", defaultValue = "7d", converter = SpanConverter.class,
            description = "length of the period ending at --until: Nw, Nd, Nh or Nm (default: ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--until", paramLabel = "TIME", description = "end of the period, ISO-8601 (default: now)")
    String until;

    @Option(names = "--release", paramLabel = "R", description = "only dumps of this kernel release")
    String release;

    @Option(names = "--host-glob", paramLabel = "GLOB", description = "only hosts matching this glob (* and ?)")
    String hostGlob;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "at most N signatures (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--url", paramLabel = "URL",
            description = {"Elasticsearch URL; default: $" + EsClients.URL_ENV + ",", "else " + EsClients.DEFAULT_URL})
    URI url;

    @Option(names = "--index-prefix", paramLabel = "PREFIX", defaultValue = "", description = "prefix of the index names (default: none)")
    String indexPrefix;

    @Option(names = "--json", description = "print a JSON array of the ranked groups")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Instant end = parseUntil();
        TopCrashers.Period period = new TopCrashers.Period(end.minus(since), end, Optional.ofNullable(release),
                Optional.ofNullable(hostGlob), limit);
        URI target = url != null ? url : EsClients.defaultUri();
        ElasticsearchClient client = EsClients.connect(target);
        List<TopCrasher> top;
        try {
            top = new TopCrashers(client, SinkIndices.withPrefix(indexPrefix)).top(period);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach Elasticsearch at " + target + " (is `crashpipe up` running? set --url or $"
                    + EsClients.URL_ENV + ")", e);
        } finally {
            EsClients.close(client);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, toJson(top));
        } else {
            print(out, period, top);
        }
        out.flush();
        return 0;
    }

    private Instant parseUntil() {
        if (until == null) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return until.length() == 10 ? Instant.parse(until + "T00:00:00Z") : Instant.parse(until);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--until '" + until + "' is not an ISO-8601 time (2026-11-22T00:00:00Z or 2026-11-22)");
        }
    }

    static ArrayNode toJson(List<TopCrasher> top) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (TopCrasher t : top) {
            ObjectNode o = a.addObject();
            o.put("rank", t.rank());
            o.put("signature", t.signature());
            o.put("title", t.title());
            o.put("type", t.type());
            o.put("frame", t.frame());
            o.put("count", t.count());
            o.put("previous_count", t.previousCount());
            o.put("change", t.count() - t.previousCount());
            o.put("new", t.isNew());
            o.put("hosts", t.hosts());
            t.hostSample().forEach(o.putArray("host_sample")::add);
            t.kernelReleases().forEach(o.putArray("kernel_releases")::add);
            o.put("first_seen", t.firstSeen().toString());
            o.put("last_seen", t.lastSeen().toString());
        }
        return a;
    }

    private static void print(PrintWriter out, TopCrashers.Period p, List<TopCrasher> top) {
        long total = top.stream().mapToLong(TopCrasher::count).sum();
        out.printf("top crashers %s .. %s%s%s: %d dumps in %d signatures%n", p.from(), p.until(),
                p.release().map(r -> ", kernel " + r).orElse(""), p.hostGlob().map(g -> ", hosts " + g).orElse(""), total,
                top.size());
        if (top.isEmpty()) {
            return;
        }
        out.printf("%4s %6s %6s %7s %-4s %5s  %-32s  %s%n", "rank", "count", "prev", "change", "new", "hosts", "signature",
                "title");
        for (TopCrasher t : top) {
            long change = t.count() - t.previousCount();
            out.printf("%4d %6d %6d %7s %-4s %5d  %-32s  %s%n", t.rank(), t.count(), t.previousCount(),
                    (change > 0 ? "+" : "") + change, t.isNew() ? "NEW" : "", t.hosts(), t.signature(), t.title());
            out.printf("%38s  releases: %s%n", "", String.join(", ", t.kernelReleases()));
            out.printf("%38s  first %s, last %s; hosts %s%n", "", t.firstSeen(), t.lastSeen(), String.join(", ", t.hostSample()));
        }
    }

    /** 7d, 24h, 2w, 90m. */
    public static final class SpanConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = SPAN.matcher(value.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a span like 7d, 24h, 2w or 90m");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
        }
    }
}
