package io.crashpipe.cli;

import io.crashpipe.cli.pipeline.AgentCommand;
import io.crashpipe.cli.pipeline.AgentCommandModel;
import io.crashpipe.cli.pipeline.KibanaCommand;
import io.crashpipe.cli.pipeline.KibanaCommandModel;
import io.crashpipe.cli.pipeline.PipelineCommand;
import io.crashpipe.cli.pipeline.PipelineCommandModel;
import io.crashpipe.cli.pipeline.ReplayCommand;
import io.crashpipe.cli.pipeline.ReplayCommandModel;
import io.crashpipe.cli.pipeline.UpCommand;
import io.crashpipe.cli.pipeline.UpCommandModel;
import io.crashpipe.cli.pipeline.UploadCommand;
import io.crashpipe.cli.pipeline.UploadCommandModel;
import io.crashpipe.cli.serve.ServeCommand;
import io.crashpipe.cli.serve.ServeCommandModel;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

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

    /**
     * The model of a fresh command object (picocli takes option defaults from it), or null for an
     * unknown name. The model is built by the code {@code CommandModelProcessor} generated from the
     * command's annotations ({@code LogCommandModel} for {@code LogCommand}): the same model picocli
     * builds by reflection, without reading annotations at run time.
     */
    static CommandSpec create(String name, CommandLine.IFactory factory) {
        return switch (name) {
            case "analyze" -> AnalyzeCommandModel.spec(new AnalyzeCommand(), factory);
            case "sys" -> SysCommandModel.spec(new SysCommand(), factory);
            case "log" -> LogCommandModel.spec(new LogCommand(), factory);
            case "bt" -> BtCommandModel.spec(new BtCommand(), factory);
            case "ps" -> PsCommandModel.spec(new PsCommand(), factory);
            case "mod" -> ModCommandModel.spec(new ModCommand(), factory);
            case "dis" -> DisCommandModel.spec(new DisCommand(), factory);
            case "struct" -> StructCommandModel.spec(new StructCommand(), factory);
            case "p" -> PCommandModel.spec(new PCommand(), factory);
            case "rd" -> RdCommandModel.spec(new RdCommand(), factory);
            case "files" -> FilesCommandModel.spec(new FilesCommand(), factory);
            case "kmem" -> KmemCommandModel.spec(new KmemCommand(), factory);
            case "foreach" -> ForeachCommandModel.spec(new ForeachCommand(), factory);
            case "up" -> UpCommandModel.spec(new UpCommand(), factory);
            case "pipeline" -> PipelineCommandModel.spec(new PipelineCommand(), factory);
            case "upload" -> UploadCommandModel.spec(new UploadCommand(), factory);
            case "agent" -> AgentCommandModel.spec(new AgentCommand(), factory);
            case "serve" -> ServeCommandModel.spec(new ServeCommand(), factory);
            case "replay" -> ReplayCommandModel.spec(new ReplayCommand(), factory);
            case "search" -> SearchCommandModel.spec(new SearchCommand(), factory);
            case "top" -> TopCommandModel.spec(new TopCommand(), factory);
            case "kibana-objects" -> KibanaCommandModel.spec(new KibanaCommand(), factory);
            case "info" -> InfoCommandModel.spec(new InfoCommand(), factory);
            case "oops" -> OopsCommandModel.spec(new OopsCommand(), factory);
            case "shrink" -> ShrinkCommandModel.spec(new ShrinkCommand(), factory);
            case "bench" -> io.crashpipe.cli.bench.BenchCommandModel.spec(new io.crashpipe.cli.bench.BenchCommand(), factory);
            default -> null;
        };
    }
}
