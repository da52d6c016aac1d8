package io.crashpipe.cli;

import io.crashpipe.cli.pipeline.AgentCommand;
import io.crashpipe.cli.pipeline.KibanaCommand;
import io.crashpipe.cli.pipeline.PipelineCommand;
import io.crashpipe.cli.pipeline.ReplayCommand;
import io.crashpipe.cli.pipeline.UpCommand;
import io.crashpipe.cli.pipeline.UploadCommand;
import io.crashpipe.cli.serve.ServeCommand;
import java.util.List;

/**
 * Every subcommand by name, in the groups and order {@code crashpipe --help} lists them.
 *
 * <p>A command is made by name through a switch rather than a table of constructor references:
 * a {@code switch} arm loads its class only when it runs, so {@code crashpipe log} never loads the
 * pipeline commands (and through their fields Kafka, Netty, the Elasticsearch client), and no
 * lambda class is spun per entry. Adding a command takes one name in {@link Group} and one arm in
 * {@link #create}; {@code SubcommandsTest} checks that the two agree.
 */
final class Subcommands {
    private Subcommands() {}

    /** The groups of {@code --help}, as the README groups the commands. */
    enum Group {
        TRIAGE("Triage of one dump, in crash's layouts (no debug symbols):",
                List.of("analyze", "sys", "log", "bt", "ps", "mod", "dis", "struct", "p", "rd", "files", "kmem",
                        "foreach")),
        PIPELINE("Pipeline and services:",
                List.of("up", "pipeline", "upload", "agent", "serve", "replay", "search", "top", "kibana-objects")),
        TOOLS("Tools:", List.of("info", "oops", "shrink", "bench"));

        final String title;
        final List<String> names;

        Group(String title, List<String> names) {
            this.title = title;
            this.names = names;
        }
    }

    /** Whether {@code name} names a subcommand (no class is loaded to answer). */
    static boolean exists(String name) {
        for (Group g : Group.values()) {
            if (g.names.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Every subcommand name, in --help order. */
    static List<String> names() {
        return java.util.Arrays.stream(Group.values()).flatMap(g -> g.names.stream()).toList();
    }

    /** A fresh command object (picocli takes option defaults from it), or null for an unknown name. */
    static Object create(String name) {
        return switch (name) {
            case "analyze" -> new AnalyzeCommand();
            case "sys" -> new SysCommand();
            case "log" -> new LogCommand();
            case "bt" -> new BtCommand();
            case "ps" -> new PsCommand();
            case "mod" -> new ModCommand();
            case "dis" -> new DisCommand();
            case "struct" -> new StructCommand();
            case "p" -> new PCommand();
            case "rd" -> new RdCommand();
            case "files" -> new FilesCommand();
            case "kmem" -> new KmemCommand();
            case "foreach" -> new ForeachCommand();
            case "up" -> new UpCommand();
            case "pipeline" -> new PipelineCommand();
            case "upload" -> new UploadCommand();
            case "agent" -> new AgentCommand();
            case "serve" -> new ServeCommand();
            case "replay" -> new ReplayCommand();
            case "search" -> new SearchCommand();
            case "top" -> new TopCommand();
            case "kibana-objects" -> new KibanaCommand();
            case "info" -> new InfoCommand();
            case "oops" -> new OopsCommand();
            case "shrink" -> new ShrinkCommand();
            case "bench" -> new io.crashpipe.cli.bench.BenchCommand();
            default -> null;
        };
    }
}
