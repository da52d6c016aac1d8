package io.crashpipe.cli.pipeline;

import io.crashpipe.cli.TempTrees;
import io.crashpipe.cli.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.UploadResult;
import io.crashpipe.agent.Uploader;
import io.crashpipe.cli.Json;
import io.crashpipe.sink.SinkIndices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code crashpipe pipeline DUMP...}: the whole pipeline once, end to end, on embedded defaults:
 * start it, send each dump through agent, gateway, Kafka, topology and sink, print each report as
 * Elasticsearch has it, stop.
 */
@Command(name = "pipeline", header = "A dump through the whole local pipeline, end to end; prints its report as indexed.", mixinStandardHelpOptions = true,
        description = {"Send dumps through the whole pipeline on this machine and print each crash report as indexed:",
            "starts Kafka (KRaft), the registry, the gateway, Elasticsearch, the analysis topology and the sink on",
            "free loopback ports, uploads each dump like the agent does (hot pages first), waits until its report",
            "is searchable, prints it, and stops everything. 'crashpipe up' keeps the same stack running instead."})
public final class PipelineCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DUMP", arity = "1..*", description = "dump files")
    List<Path> dumps;

    @Option(names = "--home", paramLabel = "DIR", description = "keep the stack's state here (default: a temporary directory, deleted at the end)")
    Path home;

    @Option(names = "--no-hot-pages", description = "send pages in pfn order instead of the analysed pages first")
    boolean noHotPages;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "wait at most this long for each report (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--json", description = "print a JSON array of the crash-report documents as indexed")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (Path d : dumps) {
            if (!Files.isRegularFile(d)) {
                throw new IOException(d + ": not a dump file (no such regular file)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = home != null ? home : Files.createTempDirectory("crashpipe-pipeline");
        long t0 = System.nanoTime();
        List<ObjectNode> documents = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(dir, LocalStack.Options.EPHEMERAL, m -> {
                    err.println("crashpipe: " + m);
                    err.flush();
                });
                IndexedReports reports = new IndexedReports(stack.elasticsearchUri().orElseThrow(), SinkIndices.DEFAULT)) {
            err.printf("crashpipe: pipeline up in %.1f s%n", seconds(t0));
            UploadOptions options = UploadOptions.defaults(stack.gatewayUri(), LocalStack.devToken(dir),
                    dir.resolve("agent-state")).withHotPagesFirst(!noHotPages);
            for (Path dump : dumps) {
                long start = System.nanoTime();
                ProgressBar bar = new ProgressBar(TerminalText.unescaped(err), dump.getFileName().toString(), !json && System.console() != null);
                UploadResult up = new Uploader(options).upload(FoundDump.single(dump), bar);
                double uploaded = seconds(start);
                ObjectNode doc = reports.awaitReport(up.dumpId(), Duration.ofSeconds(timeoutSeconds)).orElseThrow(
                        () -> new IOException(dump + ": no report for dump " + up.dumpId() + " within " + timeoutSeconds + " s"));
                double searchable = seconds(start);
                doc = reports.awaitSearchableStamp(up.dumpId(), Duration.ofSeconds(5)).orElse(doc);
                long lines = reports.awaitLogLines(up.dumpId(), Duration.ofSeconds(60));
                documents.add(doc);
                if (!json) {
                    printSummary(out, dump, up, doc, lines, uploaded, searchable);
                }
            }
        } finally {
            if (home == null) {
                TempTrees.delete(dir);
            }
        }
        if (json) {
            var arr = Json.MAPPER.createArrayNode();
            documents.forEach(arr::add);
            Json.print(out, arr);
        }
        return 0;
    }

    private static void printSummary(PrintWriter out, Path dump, UploadResult up, ObjectNode doc, long lines,
            double uploaded, double searchable) {
        JsonNode crash = doc.path("crash");
        out.printf("%s%n", dump);
        out.printf("  dump id     %s (%d chunks uploaded in %.1f s, report searchable after %.1f s)%n", up.dumpId(),
                up.sealed().getChunkCount(), uploaded, searchable);
        out.printf("  host        %s%n", doc.path("host").path("name").asText());
        out.printf("  kernel      %s %s%n", crash.path("kernel").path("release").asText(), crash.path("kernel").path("version").asText());
        out.printf("  machine     %s%n", doc.path("host").path("architecture").asText("?"));
        String at = doc.path("@timestamp").asText();
        // the sink falls back to when the pipeline first saw the dump when the dump names no time
        out.printf("  crashed     %s%n", at.equals(doc.path("event").path("created").asText())
                ? "unknown (the dump records no crash time; first seen " + at + ")" : at);
        out.printf("  panic       %s%n", doc.path("error").path("message").asText("(none found)"));
        if (crash.has("title")) {
            out.printf("  title       %s%n", crash.path("title").asText());
            out.printf("  signature   %s%n", crash.path("signature").asText());
        }
        printPanicFrames(out, crash);
        JsonNode sys = crash.path("sys");
        out.printf("  cpus        %d   memory %s bytes   tasks %s%n", sys.path("cpus").asInt(),
                sys.path("memory_bytes").asText("?"), sys.path("tasks").asText("?"));
        out.printf("  sections    complete %s, partial %s%n", crash.path("completeness").path("complete"),
                crash.path("completeness").path("partial"));
        out.printf("  kernel log  %d lines indexed%n", lines);
        String label = "  stages      ";
        for (String line : StageTimes.lines(crash.path("timings"))) {
            out.printf("%s%s%n", label, line);
            label = "              ";
        }
        out.flush();
    }

    /** Frames shown of the panic task's trace: enough to recognise the crash path. */
    private static final int FIRST_FRAMES = 6;

    /** The panic task's first frames as indexed, in the kernel's Call Trace style ("?" for unreliable frames). */
    private static void printPanicFrames(PrintWriter out, JsonNode crash) {
        for (JsonNode trace : crash.path("backtrace")) {
            if (!trace.path("role").asText().equals("panic")) {
                continue;
            }
            JsonNode frames = trace.path("frame");
            out.printf("  backtrace   PID %s \"%s\" on CPU %d, %d frames (%s)%n", trace.path("pid").asText("?"),
                    trace.path("comm").asText("?"), trace.path("cpu").asInt(), frames.size(), trace.path("method").asText());
            for (int i = 0; i < Math.min(FIRST_FRAMES, frames.size()); i++) {
                JsonNode f = frames.get(i);
                String name = f.has("function") ? f.path("function").asText() + "+0x" + Long.toHexString(f.path("offset").asLong())
                        : "0x" + f.path("address").asText();
                out.printf("              #%d %s%s%s%n", i, f.path("reliable").asBoolean(true) ? "" : "? ", name,
                        f.has("module") ? " [" + f.path("module").asText() + "]" : "");
            }
            if (frames.size() > FIRST_FRAMES) {
                out.printf("              ... %d more (crashpipe search --json %s)%n", frames.size() - FIRST_FRAMES,
                        crash.path("dump_id").asText());
            }
            return;
        }
        out.printf("  backtrace   (none: %s)%n", crash.path("completeness").path("notes").path("bt").asText("no panic task"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

}
