package io.crashpipe.cli;

import java.util.List;
import java.util.function.Supplier;
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

    /**
     * Subcommands in the order --help lists them. Factories, not instances: picocli takes option
     * defaults from the object it is given, so each command line needs fresh ones.
     */
    static final List<Supplier<Object>> SUBCOMMANDS = List.of(
        InfoCommand::new,
        RdCommand::new,
        SysCommand::new,
        LogCommand::new,
        AnalyzeCommand::new,
        PsCommand::new,
        ModCommand::new,
        BtCommand::new,
        OopsCommand::new,
        io.crashpipe.cli.pipeline.PipelineCommand::new,
        io.crashpipe.cli.pipeline.UpCommand::new,
        io.crashpipe.cli.pipeline.UploadCommand::new,
        io.crashpipe.cli.pipeline.AgentCommand::new,
        io.crashpipe.cli.pipeline.ReplayCommand::new,
        io.crashpipe.cli.serve.ServeCommand::new,
        io.crashpipe.cli.pipeline.KibanaCommand::new,
        ShrinkCommand::new,
        SearchCommand::new);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrashpipeCommand());
        for (Supplier<Object> sub : SUBCOMMANDS) {
            cl.addSubcommand(sub.get());
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
