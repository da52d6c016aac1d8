package io.crashpipe.gateway;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * A real gateway in its own JVM, for {@link GatewayFloodIT}: its heap is then the gateway's alone.
 * Arguments: Kafka bootstrap, registry URL, token SHA-256. Prints {@code port N}; then answers
 * {@code heap} with the used heap after GC and {@code counts} with its refusal and timeout tallies;
 * {@code stop} closes it.
 */
public final class FloodTarget {
    static final GatewayConfig.Guards GUARDS = new GatewayConfig.Guards(256, Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 8L << 20);

    private FloodTarget() {}

    public static void main(String[] args) throws Exception {
        GatewayConfig config = GatewayConfig.local(new InetSocketAddress("127.0.0.1", 0), args[0], URI.create(args[1]),
                Set.of(args[2])).withGuards(GUARDS);
        try (Gateway g = Gateway.start(config)) {
            System.out.println("port " + g.address().getPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("stop"); ) {
                switch (line) {
                    case "heap" -> System.out.println("heap " + GatewayGuardsTest.heapAfterGc());
                    case "counts" -> {
                        Metrics m = g.metrics();
                        StringBuilder sb = new StringBuilder("counts");
                        for (Metrics.Refusal r : Metrics.Refusal.values()) {
                            sb.append(' ').append(r.label()).append('=').append(m.refusals(r));
                        }
                        for (Metrics.Timeout t : Metrics.Timeout.values()) {
                            sb.append(' ').append("timeout_").append(t.label()).append('=').append(m.timeouts(t));
                        }
                        sb.append(" exceptions=").append(m.exceptions());
                        System.out.println(sb);
                    }
                    default -> System.out.println("unknown " + line);
                }
                System.out.flush();
            }
        }
    }
}
