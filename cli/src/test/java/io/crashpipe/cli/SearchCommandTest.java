package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SearchCommandTest {
    @Test
    void unreachableElasticsearchIsOneLineErrorExitOne() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CliRun r = CliRun.of("search", "--url", "http://127.0.0.1:" + closedPort, "sysrq");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("crashpipe search: cannot reach Elasticsearch at http://127.0.0.1:" + closedPort),
                r.err());
    }

    @Test
    void helpNamesTheDefaultUrlAndItsEnvironmentVariable() {
        CliRun r = CliRun.of("search", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("CRASHPIPE_ES_URL") && r.out().contains("http://127.0.0.1:19200"), r.out());
    }
}
