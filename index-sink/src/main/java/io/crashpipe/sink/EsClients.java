package io.crashpipe.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/** Builds the Java API client for one Elasticsearch URL; documents travel as Jackson trees. */
public final class EsClients {
    /** Where {@code crashpipe up} runs its node. */
    public static final String DEFAULT_URL = "http://127.0.0.1:19200";
    public static final String URL_ENV = "CRASHPIPE_ES_URL";

    private EsClients() {}

    /** The URL from $CRASHPIPE_ES_URL, else the local default. */
    public static URI defaultUri() {
        String env = System.getenv(URL_ENV);
        return URI.create(env == null || env.isBlank() ? DEFAULT_URL : env);
    }

    /**
     * A client whose {@code _transport().close()} (or {@link #close}) releases its connections.
     * A user in the URL ({@code https://elastic:PASSWORD@es:9200}) is sent as HTTP basic
     * authentication, so one setting carries a secured cluster's credentials.
     */
    public static ElasticsearchClient connect(URI uri) {
        try {
            return connect(uri, EsTls.DEFAULT);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // the default TLS reads no file
        }
    }

    /** As {@link #connect(URI)}, over TLS with {@code tls}'s CAs and client certificate (https URLs). */
    public static ElasticsearchClient connect(URI uri, EsTls tls) throws java.io.IOException {
        javax.net.ssl.SSLContext ssl = tls.isDefault() ? null : tls.sslContext();
        HttpHost host = new HttpHost(uri.getHost(), uri.getPort() < 0 ? 9200 : uri.getPort(),
                uri.getScheme() == null ? "http" : uri.getScheme());
        RestClientBuilder builder = RestClient.builder(host);
        String user = uri.getRawUserInfo();
        BasicCredentialsProvider credentials = null;
        if (user != null && !user.isEmpty()) {
            int colon = user.indexOf(':');
            String name = URLDecoder.decode(colon < 0 ? user : user.substring(0, colon), StandardCharsets.UTF_8);
            String password = colon < 0 ? "" : URLDecoder.decode(user.substring(colon + 1), StandardCharsets.UTF_8);
            credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(name, password));
        }
        BasicCredentialsProvider auth = credentials;
        builder.setHttpClientConfigCallback(c -> {
            if (auth != null) {
                c.setDefaultCredentialsProvider(auth);
            }
            if (ssl != null) {
                c.setSSLContext(ssl);
            }
            return c;
        });
        return new ElasticsearchClient(new RestClientTransport(builder.build(), new JacksonJsonpMapper(new ObjectMapper())));
    }

    /** The URL without its credentials, for logs and messages. */
    public static String redacted(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    public static void close(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (java.io.IOException e) {
            // closing idle connections cannot lose data
        }
    }
}
