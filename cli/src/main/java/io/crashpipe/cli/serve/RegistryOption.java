package io.crashpipe.cli.serve;

import java.net.URI;
import picocli.CommandLine.Option;

/** The schema registry the services that read or write events use (a picocli mixin). */
public final class RegistryOption {
    @Option(names = "--registry", defaultValue = "${env:CRASHPIPE_REGISTRY_URL:-http://127.0.0.1:8081/}",
            description = "schema registry URL ($CRASHPIPE_REGISTRY_URL; default ${DEFAULT-VALUE})")
    URI url;
}
