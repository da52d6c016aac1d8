package io.crashpipe.sink.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An unpacked Elasticsearch distribution (the integ-test zip from Maven Central, which the
 * index-sink build unpacks into {@code index-sink/target/elasticsearch-VERSION}).
 */
public record EsDistribution(Path home) {
    public static final String HOME_PROPERTY = "crashpipe.es.home";
    public static final String HOME_ENV = "CRASHPIPE_ES_HOME";

    public EsDistribution {
        home = home.toAbsolutePath().normalize();
    }

    /** The distribution named by -Dcrashpipe.es.home or $CRASHPIPE_ES_HOME, checked. */
    public static EsDistribution configured() throws IOException {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(HOME_ENV);
        }
        if (home == null || home.isBlank()) {
            throw new IOException("no Elasticsearch distribution configured: set -D" + HOME_PROPERTY + " or $" + HOME_ENV
                    + " to an unpacked one (`mvn -pl index-sink process-resources` unpacks it into index-sink/target)");
        }
        return at(Path.of(home));
    }

    public static EsDistribution at(Path home) throws IOException {
        EsDistribution d = new EsDistribution(home);
        if (!Files.isExecutable(d.launcher())) {
            throw new IOException("not an Elasticsearch distribution: " + d.launcher() + " is missing or not executable");
        }
        return d;
    }

    public Path launcher() {
        return home.resolve("bin").resolve("elasticsearch");
    }

    public Path config() {
        return home.resolve("config");
    }
}
