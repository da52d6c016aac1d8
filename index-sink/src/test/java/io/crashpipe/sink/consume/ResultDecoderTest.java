package io.crashpipe.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.schemas.Topics;
import io.crashpipe.schemas.registry.SchemaRegistryClient;
import io.crashpipe.schemas.wire.ConfluentWire;
import io.crashpipe.schemas.wire.EventSerde;
import io.crashpipe.sink.SinkIndices;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the decoder calls poison and what it calls "ask again later", with no registry listening. */
class ResultDecoderTest {
    private static ResultDecoder decoder;

    @BeforeAll
    static void decoderWithAnUnreachableRegistry() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        EventSerde serde = new EventSerde(new SchemaRegistryClient(URI.create("http://127.0.0.1:" + closedPort)));
        decoder = new ResultDecoder(serde, SinkIndices.DEFAULT, Clock.systemUTC());
    }

    @Test
    void aValueWithoutTheMagicByteIsPoisonNamingIt() {
        ResultDecoder.Poison p = assertInstanceOf(ResultDecoder.Poison.class,
                decoder.decode(record(Topics.KERNEL_LOG.name(), "hello".getBytes(StandardCharsets.UTF_8))));
        assertEquals("not a valid event: expected magic byte 0 at offset 0, got 104", p.error());
    }

    @Test
    void aTombstoneIsPoison() {
        assertInstanceOf(ResultDecoder.Poison.class, decoder.decode(record(Topics.CRASH_REPORTS.name(), null)));
    }

    @Test
    void aWellFramedValueWhileTheRegistryIsDownIsRetriedNotDeadLettered() {
        byte[] framed = ConfluentWire.frame(1, new byte[] {2, 4, 6});
        ResultDecoder.RetryLater r = assertInstanceOf(ResultDecoder.RetryLater.class,
                decoder.decode(record(Topics.CRASH_REPORTS.name(), framed)));
        assertTrue(r.reason().startsWith("schema registry not reachable"), r.reason());
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 42L, "d1".getBytes(StandardCharsets.UTF_8), value);
    }
}
