package io.crashpipe.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RouteTest {
    static final String ID = "4251b7d372c20324c4ecc95d27d97c81";

    @Test
    void recognisesEveryEndpointFromMethodAndPath() {
        assertEquals(Optional.of(new Route.PutMetadata(ID)), Route.of(HttpMethod.PUT, "/v1/dumps/" + ID + "/metadata"));
        assertEquals(Optional.of(new Route.PutChunk(ID, 42)), Route.of(HttpMethod.PUT, "/v1/dumps/" + ID + "/chunks/42"));
        assertEquals(Optional.of(new Route.Seal(ID)), Route.of(HttpMethod.POST, "/v1/dumps/" + ID + "/seal"));
        assertEquals(Optional.of(new Route.PresentChunks(ID, OptionalLong.empty())), Route.of(HttpMethod.GET, "/v1/dumps/" + ID + "/chunks?x=1"));
        assertEquals(Optional.of(new Route.PresentChunks(ID, OptionalLong.of(1765000000000L))),
                Route.of(HttpMethod.GET, "/v1/dumps/" + ID + "/chunks?x=1&since=1765000000000"));
        assertEquals(Optional.of(new Route.Ready()), Route.of(HttpMethod.GET, "/readyz"));
        assertFalse(new Route.Metrics().authenticated());
        assertTrue(new Route.Seal(ID).authenticated());
    }

    @Test
    void refusesUnknownMethodsBadIdsAndOversizedSequenceNumbers() {
        assertEquals(Optional.empty(), Route.of(HttpMethod.GET, "/v1/dumps/" + ID + "/metadata"));
        assertEquals(Optional.empty(), Route.of(HttpMethod.PUT, "/v1/dumps/NOT-HEX/metadata"));
        assertEquals(Optional.empty(), Route.of(HttpMethod.PUT, "/v1/dumps/" + ID + "/chunks/12345678901"));
        assertEquals(Optional.empty(), Route.of(HttpMethod.PUT, "/v1/dumps/../chunks/1"));
    }

    @Test
    void tokensAreComparedAsSha256Hashes() {
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", GatewayConfig.sha256Hex("test"));
    }
}
