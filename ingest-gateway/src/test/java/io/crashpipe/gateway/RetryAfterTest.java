package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;

/** A saturated gateway tells clients to come back when a slot is likely free, not every second. */
class RetryAfterTest {
    @Test
    void theWaitFollowsRecentAcknowledgementsWithinOneToTenSeconds() {
        RetryAfter r = new RetryAfter();
        assertEquals(1, r.seconds(), "nothing acknowledged yet");
        r.acknowledged(0.05);
        assertEquals(1, r.seconds(), "a fast Kafka: the old one second");
        for (int i = 0; i < 200; i++) {
            r.acknowledged(3.2);
        }
        assertEquals(7, r.seconds(), "twice 3.2 s, rounded up");
        for (int i = 0; i < 200; i++) {
            r.acknowledged(60);
        }
        assertEquals(10, r.seconds(), "at most ten seconds");
    }

    @Test
    void aSaturated503CarriesTheWaitOfRecentAcknowledgements() {
        Metrics metrics = new Metrics();
        for (int i = 0; i < 200; i++) {
            metrics.published("PageChunk", 1 << 20, Duration.ofMillis(2500));
        }
        HeldPublisher publisher = new HeldPublisher();
        publisher.saturated = true;
        GatewayConfig c = GatewayGuardsTest.config(64L << 20).withGuards(GatewayConfig.Guards.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new RequestGate(c, publisher, metrics, new GatewayState()),
                new BodyAggregator(c, metrics), new LastResort(metrics));
        ch.writeInbound(GatewayGuardsTest.bytes(GatewayGuardsTest.put("/v1/dumps/" + Events.ID + "/chunks/0", 16, true)));
        String r = GatewayGuardsTest.responses(ch);
        assertTrue(r.startsWith("HTTP/1.1 503") && r.contains("retry-after: 5"), r);
        ch.finishAndReleaseAll();
    }
}
