package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class SubcommandsTest {

    @Test
    void everyListedNameMakesTheCommandOfThatName() {
        for (String name : Subcommands.names()) {
            CommandSpec command = Subcommands.create(name, CommandLine.defaultFactory());
            assertNotNull(command, name);
            assertEquals(name, command.name());
            assertEquals(name, command.userObject().getClass().getAnnotation(CommandLine.Command.class).name());
            assertTrue(Subcommands.exists(name), name);
        }
        assertEquals(Subcommands.names().size(), Set.copyOf(Subcommands.names()).size(), "no name twice");
        assertFalse(Subcommands.exists("lgo"));
    }

    @Test
    void aSubcommandLineRegistersThatCommandAlone() {
        assertEquals(List.of("log"), List.copyOf(CrashpipeCommand.commandLine("log", "x").getSubcommands().keySet()));
        assertEquals(List.of("log", "help"), List.copyOf(CrashpipeCommand.commandLine("help", "log").getSubcommands().keySet()));
        assertTrue(CrashpipeCommand.commandLine("--version").getSubcommands().isEmpty());
        int all = Subcommands.names().size() + 1; // and help
        assertEquals(all, CrashpipeCommand.commandLine("--help").getSubcommands().size());
        assertEquals(all, CrashpipeCommand.commandLine().getSubcommands().size());
        assertEquals(all, CrashpipeCommand.commandLine("lgo").getSubcommands().size(), "a misspelt name gets suggestions");
    }

    @Test
    void aMisspeltCommandIsAUsageErrorThatSuggestsTheRightOne() {
        CliRun r = CliRun.of("lgo", "dump");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("log"), r.err());
    }

    @Test
    void helpGroupsTheCommandsAsTheReadmeDoesAndKeepsEachHeaderOnItsOwnColumn() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        int triage = out.indexOf("Triage of one dump");
        int pipeline = out.indexOf("Pipeline and services:");
        int tools = out.indexOf("Tools:");
        assertTrue(triage > 0 && pipeline > triage && tools > pipeline, out);
        for (String name : Subcommands.Group.TRIAGE.names) {
            int at = out.indexOf("\n  " + name + " ");
            assertTrue(at > triage && at < pipeline, name + " under triage:\n" + out);
        }
        for (String name : List.of("up", "serve", "search", "top")) {
            int at = out.indexOf("\n  " + name + " ");
            assertTrue(at > pipeline && at < tools, name + " under pipeline:\n" + out);
        }
        for (String name : List.of("info", "shrink")) {
            assertTrue(out.indexOf("\n  " + name + " ") > tools, name + " under tools:\n" + out);
        }
        for (String line : out.split("\n")) {
            assertTrue(line.length() <= HelpLayout.DEFAULT_WIDTH, "fits 80 columns: " + line);
        }
    }

    @Test
    void everySubcommandHelpShowsUsageThenDescriptionAsParagraphsAndHelpWithoutVersion() {
        List<String> failures = new ArrayList<>();
        for (String name : Subcommands.names()) {
            CliRun r = CliRun.of(name, "--help");
            String out = r.out();
            if (r.exitCode() != 0 || !out.startsWith("Usage: crashpipe " + name)) {
                failures.add(name + ": starts with the usage line:\n" + out);
            }
            if (out.contains("--version")) {
                failures.add(name + ": offers --version");
            }
            for (String line : out.split("\n")) {
                if (line.length() > HelpLayout.DEFAULT_WIDTH) {
                    failures.add(name + ": wider than 80 columns: " + line);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void noOptionNeedsAConverterThatTheStartUpSettingsLeaveOut() {
        // PicocliProbes drops picocli's java.sql/java.time converters: an option of such a type
        // must bring its own converter, or it would fail only when someone passes it.
        List<String> failures = new ArrayList<>();
        walk(CrashpipeCommand.commandLine(), cl -> {
            for (CommandLine.Model.ArgSpec arg : cl.getCommandSpec().args()) {
                List<Class<?>> types = new ArrayList<>(List.of(arg.auxiliaryTypes()));
                types.add(arg.type());
                for (Class<?> t : types) {
                    boolean leftOut = t.getName().startsWith("java.sql.") || t.getName().startsWith("java.time.");
                    if (leftOut && arg.converters().length == 0) {
                        failures.add(cl.getCommandName() + " " + arg.paramLabel() + ": " + t.getName());
                    }
                }
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        TopCommand top = new TopCommand();
        new CommandLine(top).parseArgs("--since", "3d");
        assertEquals(java.time.Duration.ofDays(3), top.since);
    }

    private static void walk(CommandLine cl, java.util.function.Consumer<CommandLine> visit) {
        visit.accept(cl);
        cl.getSubcommands().values().forEach(sub -> walk(sub, visit));
    }

    @Test
    void rdShowsCountAsOptional() {
        CliRun r = CliRun.of("rd", "--help");
        assertTrue(r.out().contains("ADDRESS|SYMBOL [COUNT]"), r.out());
    }

    @Test
    void descriptionLinesJoinIntoParagraphsAndOptionNotesStartTheirOwn() {
        String[] p = HelpLayout.paragraphs(new String[] {"Print the log", "as makedumpfile does.",
            "--json prints", "one object per record.", "", "Another paragraph."});
        assertEquals(List.of("Print the log as makedumpfile does.", "--json prints one object per record.",
                "Another paragraph."), List.of(p));
    }

    @Test
    void serveServicesShowTheirHeaderAsDescription() {
        CommandLine serve = CrashpipeCommand.commandLine("serve", "gateway", "--help").getSubcommands().get("serve");
        CommandSpec gateway = serve.getSubcommands().get("gateway").getCommandSpec();
        assertTrue(gateway.usageMessage().description().length > 0);
    }
}
