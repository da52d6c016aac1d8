package io.crashpipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command. Each subcommand is one small class; register new ones in
 * {@link #SUBCOMMANDS} (one line each).
 */
@Command(
        name = "crashpipe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Linux kernel crash dumps, analysed without debug symbols.",
            "Triage commands read a dump file (ELF vmcore, kdump-compressed, or makedumpfile flattened)."
        },
        subcommands = {CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 the dump could not be read as asked, 2 bad usage, 70 internal error."})
public final class CrashpipeCommand implements Runnable {

    /** Subcommands in the order --help lists them. */
    static final Object[] SUBCOMMANDS = {
        new InfoCommand(),
        new RdCommand(),
        new SysCommand(),
        new LogCommand(),
        new AnalyzeCommand(),
        new io.crashpipe.cli.pipeline.UpCommand(),
        new io.crashpipe.cli.pipeline.UploadCommand(),
        new io.crashpipe.cli.pipeline.AgentCommand(),
    };

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrashpipeCommand());
        for (Object sub : SUBCOMMANDS) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
