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
            "Triage commands read a dump file: ELF vmcore, kdump-compressed or flattened."
        },
        subcommands = {CommandLine.HelpCommand.class},
        commandListHeading = "%n",
        footer = {"", "Exit codes: 0 ok, 1 the dump could not be read as asked, 2 bad usage,", "70 internal error."})
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
        DisCommand::new,
        StructCommand::new,
        PCommand::new,
        FilesCommand::new,
        ForeachCommand::new,
        KmemCommand::new,
        OopsCommand::new,
        io.crashpipe.cli.pipeline.PipelineCommand::new,
        io.crashpipe.cli.pipeline.UpCommand::new,
        io.crashpipe.cli.pipeline.UploadCommand::new,
        io.crashpipe.cli.pipeline.AgentCommand::new,
        io.crashpipe.cli.pipeline.ReplayCommand::new,
        io.crashpipe.cli.serve.ServeCommand::new,
        io.crashpipe.cli.pipeline.KibanaCommand::new,
        ShrinkCommand::new,
        SearchCommand::new,
        TopCommand::new,
        io.crashpipe.cli.bench.BenchCommand::new);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The pipeline commands; every other subcommand reads one dump file (triage), as the README groups them. */
    static final java.util.Set<String> PIPELINE = java.util.Set.of("pipeline", "up", "upload", "agent", "replay",
            "serve", "search", "top");

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrashpipeCommand());
        for (Supplier<Object> sub : SUBCOMMANDS) {
            cl.addSubcommand(sub.get());
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                CrashpipeCommand::groupedCommandList);
        return cl;
    }

    /** Triage, then pipeline commands, one line each (no re-wrapping of the one-line headers). */
    static String groupedCommandList(CommandLine.Help help) {
        var subs = help.subcommands();
        int width = subs.keySet().stream().mapToInt(String::length).max().orElse(8);
        StringBuilder triage = new StringBuilder("Triage of one dump file (no debug symbols):\n");
        StringBuilder pipeline = new StringBuilder("Pipeline:\n");
        StringBuilder other = new StringBuilder();
        subs.forEach((name, h) -> {
            String[] header = h.commandSpec().usageMessage().header();
            String line = String.format("  %-" + width + "s  %s%n", name, header.length > 0 ? header[0] : "");
            (name.equals("help") ? other : PIPELINE.contains(name) ? pipeline : triage).append(line);
        });
        return triage + "\n" + pipeline + other;
    }
}
