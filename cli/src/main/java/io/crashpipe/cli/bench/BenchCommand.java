package io.crashpipe.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code crashpipe bench ...}: the benchmarks that have a command of their own. */
@Command(name = "bench", header = "Benchmarks (analysis passes against makedumpfile, ...).", mixinStandardHelpOptions = true,
        subcommands = {AnalyzeBenchmark.class, io.crashpipe.cli.bench.storm.StormBenchmark.class, StagesList.class},
        description = {"Benchmarks measured inside one JVM, next to a baseline tool run in the same command."})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
