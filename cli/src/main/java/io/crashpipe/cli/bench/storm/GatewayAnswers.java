package io.crashpipe.cli.bench.storm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the gateways answered during the storm, request by request (every attempt of every agent,
 * which the upload retries do not show): their {@code /metrics} response and refusal counters,
 * read every few seconds and summed over each gateway's lives (a restarted gateway counts from 0
 * again, so what it had counted before its kill is banked).
 */
final class GatewayAnswers {
    private static final Pattern SERIES = Pattern.compile(
            "^crashpipe_gateway_(responses|refusals)_total\\{[^}]*(?:status|reason)=\"([^\"]+)\"[^}]*\\}\\s+([0-9.eE+]+)");

    private final List<URI> gateways;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Per gateway and series ("responses 503", "refusals saturated"): banked from earlier lives, last seen. */
    private final Map<String, double[]> counts = new HashMap<>();

    GatewayAnswers(List<URI> gateways) {
        this.gateways = gateways;
    }

    /** Reads every gateway once; a gateway that does not answer (killed) keeps what it had. */
    synchronized void scrape() {
        for (URI g : gateways) {
            String text;
            try {
                text = http.send(HttpRequest.newBuilder(g.resolve("/metrics")).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            absorb(g.toString(), text);
        }
    }

    /** One scrape of gateway {@code g}'s Prometheus text. */
    synchronized void absorb(String g, String text) {
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (m.find()) {
                double v = Double.parseDouble(m.group(3));
                double[] c = counts.computeIfAbsent(g + " " + m.group(1) + " " + m.group(2), k -> new double[2]);
                if (v < c[1]) {
                    c[0] += c[1]; // the gateway was restarted: its counters began again
                }
                c[1] = v;
            }
        }
    }

    /** e.g. "responses 200 x4100, 503 x380; refusals saturated x370, draining x10". */
    synchronized String summary() {
        Map<String, Map<String, Long>> byKind = new TreeMap<>();
        counts.forEach((k, c) -> {
            String[] p = k.split(" ");
            byKind.computeIfAbsent(p[1], x -> new TreeMap<>()).merge(p[2], Math.round(c[0] + c[1]), Long::sum);
        });
        if (byKind.isEmpty()) {
            return "no /metrics read";
        }
        return byKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().entrySet().stream()
                .map(x -> x.getKey() + " x" + x.getValue()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
