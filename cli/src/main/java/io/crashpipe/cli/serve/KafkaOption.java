package io.crashpipe.cli.serve;

import picocli.CommandLine.Option;

/** The broker every service talks to (a picocli mixin, so it is declared once). */
public final class KafkaOption {
    @Option(names = "--kafka", defaultValue = "${env:CRASHPIPE_KAFKA:-127.0.0.1:9092}",
            description = "bootstrap servers ($CRASHPIPE_KAFKA; default ${DEFAULT-VALUE})")
    String bootstrap;
}
