package io.crashpipe.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A scrape as Prometheus does it: GET, text format 0.0.4, and the meters expected in it. */
final class ServiceMetricsScrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServiceMetricsScrape() {}

    static void assertExposes(URI metrics, String... expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "GET " + metrics);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                metrics + " answers in Prometheus' text format: " + r.headers().map());
        for (String e : expected) {
            assertTrue(r.body().contains(e), metrics + " has " + e + "; it has:\n" + names(r.body()));
        }
    }

    static void assertOk(URI probe) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(probe).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "GET " + probe + ": " + r.body());
    }

    /** The metric names of a scrape, one a line, for a failure message that can be read. */
    private static String names(String body) {
        return body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).sorted()
                .reduce((a, b) -> a + "\n" + b).orElse("(none)");
    }
}
