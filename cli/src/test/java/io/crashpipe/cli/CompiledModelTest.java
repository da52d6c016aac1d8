package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The models the generated code builds ({@code LogCommandModel} and the like, from
 * {@code CommandModelProcessor}) are the models picocli builds from the same annotations by
 * reflection: every command, subcommand and mixin, every attribute of every option and positional
 * parameter that parsing or help reads, and the usage text. A command added or changed later is
 * checked the same way, since both sides come from its annotations.
 */
class CompiledModelTest {

    @Test
    void everyCommandsCompiledModelIsTheModelPicocliBuildsFromItsAnnotations() throws Exception {
        List<String> names = new ArrayList<>(Subcommands.names());
        Map<String, String> differences = new TreeMap<>();
        compare("crashpipe", CrashpipeCommandModel.spec(new CrashpipeCommand(), CommandLine.defaultFactory()), differences);
        for (String name : names) {
            compare(name, Subcommands.create(name, CommandLine.defaultFactory()), differences);
        }
        assertEquals(Map.of(), differences);
    }

    @Test
    void theParsedValuesReachTheCommandsFields() {
        CommandSpec spec = Subcommands.create("log", CommandLine.defaultFactory());
        new CommandLine(spec).parseArgs("--json", "some.dump");
        LogCommand log = (LogCommand) spec.userObject();
        assertEquals(true, log.json);
        assertEquals(false, log.callerIds);
        assertEquals(java.nio.file.Path.of("some.dump"), log.dump.path());
        assertEquals(spec, log.spec);
    }

    private static void compare(String name, CommandSpec compiled, Map<String, String> differences) throws Exception {
        Object fresh = compiled.userObject().getClass().getDeclaredConstructor().newInstance();
        CommandSpec reflected = CommandSpec.forAnnotatedObject(fresh);
        // user objects differ (two instances): their identity hashes are not compared
        String want = describe(reflected).replaceAll("@[0-9a-f]+", "@");
        String got = describe(compiled).replaceAll("@[0-9a-f]+", "@");
        if (!want.equals(got)) {
            differences.put(name, firstDifference(want, got));
        }
        String wantUsage = new CommandLine(reflected).getUsageMessage(CommandLine.Help.Ansi.OFF);
        String gotUsage = new CommandLine(compiled).getUsageMessage(CommandLine.Help.Ansi.OFF);
        if (!wantUsage.equals(gotUsage)) {
            differences.put(name + " usage", firstDifference(wantUsage, gotUsage));
        }
    }

    private static String firstDifference(String want, String got) {
        String[] a = want.split("\n");
        String[] b = got.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<none>";
            String y = i < b.length ? b[i] : "<none>";
            if (!x.equals(y)) {
                return "reflection: " + x + "\ncompiled:   " + y;
            }
        }
        return "";
    }

    /** What parsing and help read from a command's model, one attribute a line. */
    static String describe(CommandSpec spec) {
        StringBuilder s = new StringBuilder();
        s.append("command ").append(spec.name()).append(" aliases ").append(Arrays.toString(spec.aliases()))
                .append(" userObject ").append(spec.userObject().getClass().getName())
                .append(" version ").append(Arrays.toString(spec.version()))
                .append(" versionProvider ").append(spec.versionProvider() == null ? null : spec.versionProvider().getClass())
                .append(" helpCommand ").append(spec.helpCommand())
                .append(" mixinStandardHelpOptions ").append(spec.mixinStandardHelpOptions())
                .append(" scope ").append(spec.scopeType()).append(" inherited ").append(spec.inherited())
                .append(" exit ").append(spec.exitCodeOnSuccess()).append(spec.exitCodeOnUsageHelp())
                .append(spec.exitCodeOnVersionHelp()).append(spec.exitCodeOnInvalidInput())
                .append(spec.exitCodeOnExecutionException())
                .append(" separator ").append(spec.parser().separator())
                .append(" toString ").append(spec.toString()).append('\n');
        UsageMessageSpec u = spec.usageMessage();
        s.append("usage header ").append(Arrays.toString(u.header())).append(" description ")
                .append(Arrays.toString(u.description())).append(" footer ").append(Arrays.toString(u.footer()))
                .append(" synopsisHeading ").append(u.synopsisHeading()).append(" customSynopsis ")
                .append(Arrays.toString(u.customSynopsis())).append(" width ").append(u.width())
                .append(" autoWidth ").append(u.autoWidth()).append(" sortOptions ").append(u.sortOptions())
                .append(" showDefaultValues ").append(u.showDefaultValues()).append(" abbreviateSynopsis ")
                .append(u.abbreviateSynopsis()).append(" hidden ").append(u.hidden())
                .append(" sectionKeys ").append(u.sectionKeys()).append('\n');
        for (String key : spec.mixins().keySet()) {
            // picocli's standard -h/-V mixin is an object of its own (a private class) there, a value holder
            // here: its options are compared below with every other option
            s.append("mixin ").append(key).append(": ")
                    .append(key.equals("mixinStandardHelpOptions") ? "" : spec.mixins().get(key).toString()).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            s.append("option ").append(Arrays.toString(o.names())).append(" order ").append(o.order())
                    .append(" usageHelp ").append(o.usageHelp()).append(" versionHelp ").append(o.versionHelp())
                    .append(" help ").append(o.help()).append(" negatable ").append(o.negatable())
                    .append(" fallback ").append(o.fallbackValue());
            arg(o, s);
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            s.append("positional index ").append(p.index());
            arg(p, s);
        }
        s.append("specElements ").append(spec.specElements().size()).append('\n');
        for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
            s.append("subcommand ").append(sub.getKey()).append('\n').append(describe(sub.getValue().getCommandSpec()));
        }
        return s.toString();
    }

    private static void arg(ArgSpec a, StringBuilder s) {
        s.append(" arity ").append(a.arity()).append(" label ").append(a.paramLabel())
                .append(" type ").append(a.type().getName()).append(" aux ").append(Arrays.toString(a.auxiliaryTypes()))
                .append(" generic ").append(a.typeInfo().getActualGenericTypeArguments())
                .append(" multi ").append(a.isMultiValue()).append(" required ").append(a.required())
                .append(" default ").append(a.defaultValue()).append(" initial ").append(a.initialValue())
                .append(" hasInitial ").append(a.hasInitialValue())
                .append(" description ").append(Arrays.toString(a.description()))
                .append(" descriptionKey ").append(a.descriptionKey())
                .append(" hidden ").append(a.hidden()).append(" hideParamSyntax ").append(a.hideParamSyntax())
                .append(" split ").append(a.splitRegex()).append(" interactive ").append(a.interactive())
                .append(" showDefault ").append(a.showDefaultValue()).append(" scope ").append(a.scopeType())
                .append(" inherited ").append(a.inherited())
                .append(" converters ").append(Arrays.stream(a.converters()).map(c -> c.getClass().getName()).toList())
                .append(" completion ").append(a.completionCandidates())
                .append(" consumer ").append(a.parameterConsumer() == null ? null : a.parameterConsumer().getClass())
                .append(" preprocessor ").append(a.preprocessor().getClass().getName())
                .append(" toString ").append(a).append('\n');
    }
}
