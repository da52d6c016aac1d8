package io.crashpipe.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

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

    /** A client whose {@code _transport().close()} (or {@link #close}) releases its connections. */
    public static ElasticsearchClient connect(URI uri) {
        RestClient rest = RestClient.builder(HttpHost.create(uri.toString())).build();
        return new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(new ObjectMapper())));
    }

    public static void close(ElasticsearchClient client) {
        try {
            client._transport().close();
        } catch (java.io.IOException e) {
            // closing idle connections cannot lose data
        }
    }
}
