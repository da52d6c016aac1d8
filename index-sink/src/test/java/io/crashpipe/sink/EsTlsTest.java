package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's TLS towards Elasticsearch against an HTTPS server that presents a certificate of a
 * private CA (as ECK's) and requires a client certificate: trusted with the CA bundle and the
 * client pair, refused without them. Certificates made by openssl for the test.
 */
class EsTlsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void certificates() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl makes the test certificates");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=test-ca");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            Files.writeString(dir.resolve(who + ".ext"), who.equals("server") ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-extfile", who + ".ext");
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + ": " + out);
        }
    }

    /** An HTTPS server with the server pair, requiring a client certificate signed by the CA. */
    private HttpsServer server() throws Exception {
        SSLContext ctx = new EsTls(java.util.Optional.of(dir.resolve("ca.crt")), java.util.Optional.of(dir.resolve("server.crt")),
                java.util.Optional.of(dir.resolve("server.key"))).sslContext();
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        s.createContext("/", x -> {
            x.getResponseHeaders().set("X-Elastic-Product", "Elasticsearch");
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        s.start();
        return s;
    }

    @Test
    void withTheCaBundleAndAClientCertificateTheClientReachesAPrivateCaClusterAndWithoutThemItDoesNot() throws Exception {
        HttpsServer s = server();
        URI url = URI.create("https://127.0.0.1:" + s.getAddress().getPort());
        try {
            ElasticsearchClient ok = EsClients.connect(url, EsTls.of(dir.resolve("ca.crt"), dir.resolve("client.crt"),
                    dir.resolve("client.key")));
            try {
                assertTrue(ok.ping().value(), "TLS with the CA and the client certificate");
            } finally {
                EsClients.close(ok);
            }
            ElasticsearchClient noCa = EsClients.connect(url, EsTls.DEFAULT);
            try {
                assertThrows(IOException.class, noCa::ping, "the JDK's CAs do not know a private CA");
            } finally {
                EsClients.close(noCa);
            }
            ElasticsearchClient noClientCert = EsClients.connect(url, EsTls.of(dir.resolve("ca.crt"), null, null));
            try {
                assertThrows(IOException.class, noClientCert::ping, "the server requires a client certificate");
            } finally {
                EsClients.close(noClientCert);
            }
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedNamingTheFileAndTheConversion() throws IOException {
        Path rsa = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> EsTls.of(null, dir.resolve("client.crt"), rsa).sslContext());
        assertTrue(e.getMessage().contains(rsa.toString()) && e.getMessage().contains("openssl pkcs8"), e.getMessage());
        assertFalse(EsTls.of(dir.resolve("ca.crt"), null, null).isDefault());
    }
}
