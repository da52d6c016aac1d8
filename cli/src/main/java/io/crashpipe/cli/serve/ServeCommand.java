package io.crashpipe.cli.serve;

import picocli.CommandLine.Command;

/**
 * {@code crashpipe serve SERVICE}: one pipeline service per process, for a real deployment
 * (the manifests in {@code k8s/} run each of these in its own pod). Every option also reads an
 * environment variable, so a container is configured by its environment.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Run one pipeline service in the foreground (for a deployment; 'up' runs them all).",
        description = {"Each service takes its settings from options or, when an option is not given, from the",
            "environment variable named in its help. Prints one 'crashpipe ready' line, stops on SIGTERM."},
        subcommands = {ServeRegistry.class, ServeGateway.class, ServeTopology.class, ServeSink.class, ServeNotifier.class})
public final class ServeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
