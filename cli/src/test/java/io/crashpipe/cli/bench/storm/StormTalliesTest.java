package io.crashpipe.cli.bench.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storm's account of its retries: failed uploads by cause, gateway answers summed over restarts. */
class StormTalliesTest {
    @Test
    void anUploadFailureIsCountedByTheLastAnswerTheAgentGot() {
        UploadFailures f = new UploadFailures();
        f.count(new IOException("gateway answered HTTP 503 to PUT http://g/v1/dumps/a/chunks/3: {\"error\":\"gateway is saturated; retry later\"}"));
        f.count(new IOException("gateway answered HTTP 503 to PUT http://g/x: {\"error\":\"gateway is saturated; retry later\"}"));
        f.count(new IOException("cannot connect to gateway http://g/: null", new ConnectException()));
        f.count(new IOException("gateway refused PUT http://g/x with HTTP 413: "));
        f.count(new IOException("PUT http://g/x failed: java.net.http.HttpTimeoutException: request timed out"));
        assertEquals("2 503 saturated, 1 HTTP 413, 1 connection refused, 1 timeout", f.summary());
        assertEquals("none", new UploadFailures().summary());
    }

    @Test
    void aRestartedGatewaysCountersAreAddedToWhatItCountedBeforeItsKill() {
        GatewayAnswers a = new GatewayAnswers(List.of(URI.create("http://g1/")));
        a.absorb("g1", """
                # TYPE crashpipe_gateway_responses_total counter
                crashpipe_gateway_responses_total{status="200"} 40.0
                crashpipe_gateway_responses_total{status="503"} 7.0
                crashpipe_gateway_refusals_total{reason="saturated"} 7.0
                """);
        a.absorb("g1", "crashpipe_gateway_responses_total{status=\"200\"} 3.0\n"); // killed and started again
        a.absorb("g1", "crashpipe_gateway_responses_total{status=\"200\"} 10.0\n");
        a.absorb("g2", "crashpipe_gateway_responses_total{status=\"200\"} 5.0\n");
        assertEquals("refusals saturated x7; responses 200 x55, 503 x7", a.summary());
    }
}
