package io.crashpipe.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * The top-level command. The subcommands are listed in {@link Subcommands}; a command line is
 * built with only the ones the arguments can reach (see {@link #commandLine(String...)}).
 */
@Command(
        name = "crashpipe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Linux kernel crash dumps, analysed without debug symbols.",
            "Triage commands read a dump file: ELF vmcore, kdump-compressed or flattened.",
            "'crashpipe COMMAND --help' describes each command."
        },
        footer = {"", "Exit codes: 0 ok, 1 the dump could not be read, 2 bad usage, 70 internal error."})
public final class CrashpipeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with every subcommand registered (help listing, tests). */
    static CommandLine commandLine() {
        return build(Subcommands.names(), true);
    }

    /**
     * The command line for these arguments, with only the subcommands they can reach: picocli
     * builds its model of a command by reflection over every option field (and loads their
     * types), which for all commands took most of a short command's start. {@code crashpipe log
     * DUMP} registers {@code log} alone; {@code help log} registers {@code help} and {@code log};
     * {@code --version} none; anything else (no command, {@code --help}, an unknown or
     * misspelled name, an option before the command) every command, so the list and picocli's
     * "did you mean" suggestions stay complete.
     */
    static CommandLine commandLine(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return build(List.of(), false);
        }
        if (args.length >= 1 && Subcommands.exists(args[0])) {
            return build(List.of(args[0]), false);
        }
        if (args.length >= 2 && args[0].equals("help") && Subcommands.exists(args[1])) {
            return build(List.of(args[1]), true);
        }
        return commandLine();
    }

    private static CommandLine build(List<String> names, boolean withHelpCommand) {
        PicocliProbes.off();
        CommandLine.IFactory factory = CommandLine.defaultFactory();
        CommandLine cl = new CommandLine(CrashpipeCommandModel.spec(new CrashpipeCommand(), factory), factory);
        for (String name : names) {
            cl.addSubcommand(Subcommands.create(name, factory));
        }
        if (withHelpCommand) {
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        HelpLayout.apply(cl);
        // Set last: picocli hands the handler to the subcommands registered so far.
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setExecutionStrategy(CrashpipeCommand::runEscaped);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                CrashpipeCommand::groupedCommandList);
        return cl;
    }

    /**
     * Runs the command with its stdout and stderr escaping terminal controls ({@link TerminalText}):
     * whatever a command prints from the dump, and any error naming it, reaches the terminal
     * visibly. Help is printed as picocli formats it (its own styles, no dump text).
     */
    private static int runEscaped(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        for (CommandLine c : parsed.asCommandLineList()) {
            c.setOut(TerminalText.writer(c.getOut()));
            c.setErr(TerminalText.writer(c.getErr()));
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** The registered subcommands by group, one-line headers wrapped under their own column. */
    static String groupedCommandList(CommandLine.Help help) {
        var subs = help.subcommands();
        if (subs.isEmpty()) {
            return "";
        }
        int nameWidth = subs.keySet().stream().mapToInt(String::length).max().orElse(8) + 4;
        int width = help.commandSpec().usageMessage().width();
        StringBuilder out = new StringBuilder();
        for (Subcommands.Group group : Subcommands.Group.values()) {
            TextTable table = table(help, nameWidth, width);
            group.names.stream().filter(subs::containsKey).forEach(n -> table.addRowValues(n, header(subs.get(n))));
            if (table.rowCount() > 0) {
                out.append(String.format("%n%s%n", group.title)).append(table);
            }
        }
        if (subs.containsKey("help")) {
            TextTable table = table(help, nameWidth, width);
            table.addRowValues("help", header(subs.get("help")));
            out.append(table);
        }
        return out.toString();
    }

    private static TextTable table(CommandLine.Help help, int nameWidth, int width) {
        TextTable table = TextTable.forColumns(help.colorScheme(),
                new Column(nameWidth, 2, Column.Overflow.SPAN),
                new Column(Math.max(20, width - nameWidth), 0, Column.Overflow.WRAP));
        table.indentWrappedLines = 0; // a wrapped header continues under its first line
        return table;
    }

    private static String header(CommandLine.Help sub) {
        String[] header = sub.commandSpec().usageMessage().header();
        return header.length > 0 ? header[0] : "";
    }
}
