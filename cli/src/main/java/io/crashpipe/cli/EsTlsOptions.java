package io.crashpipe.cli;

import io.crashpipe.sink.EsTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TLS towards Elasticsearch, for the sink and {@code search} (a picocli mixin). */
public final class EsTlsOptions {
    @Option(names = "--es-ca", paramLabel = "PEM", defaultValue = "${env:CRASHPIPE_ES_CA}",
            description = {"CA certificates to trust for an https Elasticsearch URL, e.g. ECK's ca.crt",
                "($CRASHPIPE_ES_CA; default: the JDK's trusted CAs)"})
    Path ca;

    @Option(names = "--es-cert", paramLabel = "PEM", defaultValue = "${env:CRASHPIPE_ES_CERT}",
            description = "client certificate chain, for a cluster that asks for one ($CRASHPIPE_ES_CERT)")
    Path cert;

    @Option(names = "--es-key", paramLabel = "PEM", defaultValue = "${env:CRASHPIPE_ES_KEY}",
            description = "unencrypted PKCS#8 key of --es-cert ($CRASHPIPE_ES_KEY)")
    Path key;

    public EsTls toTls() {
        return EsTls.of(ca, cert, key);
    }
}
