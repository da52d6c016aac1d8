package io.crashpipe.gateway;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpMethod;

/** The gateway's endpoints, recognised from method and path alone (before any body is read). */
public sealed interface Route {
    Pattern DUMP_ID = Pattern.compile("[0-9a-f]{16,64}");

    record Health() implements Route {}
    record Ready() implements Route {}
    record Metrics() implements Route {}
    record PutMetadata(String dumpId) implements Route {}
    record PutChunk(String dumpId, int sequence) implements Route {}
    record Seal(String dumpId) implements Route {}
    /** {@code since}: the {@code ?since=EPOCH_MS} the agent sends, its dump file's time (bounds the history read). */
    record PresentChunks(String dumpId, OptionalLong since) implements Route {}

    /** Whether the route needs a bearer token. */
    default boolean authenticated() {
        return !(this instanceof Health || this instanceof Ready || this instanceof Metrics);
    }

    Pattern DUMP_PATH = Pattern.compile("/v1/dumps/([^/]+)/(metadata|seal|chunks)(?:/([0-9]{1,9}))?");

    Pattern SINCE = Pattern.compile("[?&]since=([0-9]{1,15})(?:&|$)");

    private static OptionalLong since(String uri) {
        Matcher m = SINCE.matcher(uri);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    static Optional<Route> of(HttpMethod method, String uri) {
        String path = uri.indexOf('?') >= 0 ? uri.substring(0, uri.indexOf('?')) : uri;
        if (method.equals(HttpMethod.GET)) {
            switch (path) {
                case "/healthz": return Optional.of(new Health());
                case "/readyz": return Optional.of(new Ready());
                case "/metrics": return Optional.of(new Metrics());
                default: break;
            }
        }
        Matcher m = DUMP_PATH.matcher(path);
        if (!m.matches() || !DUMP_ID.matcher(m.group(1)).matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        String kind = m.group(2);
        String seq = m.group(3);
        if (kind.equals("metadata") && seq == null && method.equals(HttpMethod.PUT)) {
            return Optional.of(new PutMetadata(id));
        }
        if (kind.equals("seal") && seq == null && method.equals(HttpMethod.POST)) {
            return Optional.of(new Seal(id));
        }
        if (kind.equals("chunks") && seq != null && method.equals(HttpMethod.PUT)) {
            return Optional.of(new PutChunk(id, Integer.parseInt(seq)));
        }
        if (kind.equals("chunks") && seq == null && method.equals(HttpMethod.GET)) {
            return Optional.of(new PresentChunks(id, since(uri)));
        }
        return Optional.empty();
    }
}
