package io.crashpipe.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * One layout for every command's {@code --help}, applied to the model picocli built from the
 * annotations, so each command class only states its text.
 *
 * <ul>
 *   <li>The usage line first, then the description, arguments and options under headings. The
 *       one-line header is what the command list shows; a subcommand's help shows it only when it
 *       has no description of its own.</li>
 *   <li>Description lines are written as wrapped source lines; they are joined back into
 *       paragraphs and wrapped to the terminal by picocli (it used to re-wrap each source line on
 *       its own, leaving ragged half lines). A new paragraph starts after an empty line and at a
 *       line starting with '-' (a note about an option, e.g. "--json prints ...").</li>
 *   <li>Subcommands take {@code -h/--help} only: the version is the top-level command's.</li>
 * </ul>
 */
final class HelpLayout {
    private HelpLayout() {}

    /** The width when the terminal's is unknown (output piped, no tty). */
    static final int DEFAULT_WIDTH = 80;

    /** Room for an option and its parameter ("--client-ca=<clientCa>") before the description column. */
    static final int LONG_OPTIONS_WIDTH = 24;

    /** Lays out {@code cl} and every command below it. */
    static void apply(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        UsageMessageSpec usage = spec.usageMessage();
        boolean top = spec.parent() == null;
        usage.width(DEFAULT_WIDTH).autoWidth(true).longOptionsMaxWidth(LONG_OPTIONS_WIDTH);
        usage.parameterListHeading("%nArguments:%n");
        usage.optionListHeading("%nOptions:%n");
        if (top) {
            usage.commandListHeading(""); // the grouped list brings its own headings
        } else {
            String[] description = paragraphs(usage.description());
            usage.description(description.length > 0 ? description : usage.header()); // serve's services: header only
            usage.descriptionHeading("%n");
            usage.commandListHeading("%nCommands:%n");
            usage.sectionKeys(withoutHeader(usage.sectionKeys()));
            helpOptionOnly(spec);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub);
        }
    }

    private static List<String> withoutHeader(List<String> keys) {
        List<String> out = new ArrayList<>(keys);
        out.remove(UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
        out.remove(UsageMessageSpec.SECTION_KEY_HEADER);
        return out;
    }

    /** Replaces picocli's standard -h/-V pair by -h alone. */
    private static void helpOptionOnly(CommandSpec spec) {
        if (!spec.mixinStandardHelpOptions()) {
            return;
        }
        spec.mixinStandardHelpOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help and exit.").build());
    }

    /** Source lines joined into paragraphs (see the class comment). */
    static String[] paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder p = new StringBuilder();
        for (String line : lines) {
            String l = line.strip();
            boolean breakBefore = l.isEmpty() || l.startsWith("-");
            if (breakBefore && !p.isEmpty()) {
                out.add(p.toString());
                p.setLength(0);
            }
            if (l.isEmpty()) {
                continue;
            }
            if (!p.isEmpty()) {
                p.append(' ');
            }
            p.append(l);
        }
        if (!p.isEmpty()) {
            out.add(p.toString());
        }
        return out.toArray(String[]::new);
    }
}
