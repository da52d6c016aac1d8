package io.crashpipe.cli.pipeline;

import io.crashpipe.cli.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.crashpipe.agent.FoundDump;
import io.crashpipe.agent.UploadOptions;
import io.crashpipe.agent.UploadResult;
import io.crashpipe.agent.Uploader;
import io.crashpipe.cli.Json;
import io.crashpipe.cli.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe upload DUMP...}: sends dumps to a gateway (the local stack by default). */
@Command(name = "upload", header = "Upload dumps to an ingest gateway (resumable, hot pages first).", mixinStandardHelpOptions = true,
        description = {"Upload dump files to an ingest gateway: metadata, page chunks, seal. Resumes from a",
            "local checkpoint; uploading the same dump again sends nothing new. Defaults to the local stack",
            "of 'crashpipe up' and its development token."})
public final class UploadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DUMP", arity = "1..*", description = "dump files")
    List<Path> dumps;

    @Mixin
    AgentOptions agent = new AgentOptions();

    @Option(names = "--json", description = "print one JSON object per dump")
    boolean json;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        UploadOptions options = agent.toOptions();
        PrintWriter out = spec.commandLine().getOut();
        for (Path dump : dumps) {
            if (!Files.isRegularFile(dump)) {
                throw new IOException(dump + ": not a dump file (no such regular file)");
            }
            ProgressBar bar = new ProgressBar(TerminalText.unescaped(spec.commandLine().getErr()), dump.getFileName().toString(),
                    !noProgress && !json && System.console() != null);
            UploadResult r = new Uploader(options).upload(FoundDump.single(dump), bar);
            if (json) {
                Json.print(out, Json.MAPPER.valueToTree(new Summary(r.dumpId(), dump.toString(), r.sealed().getChunkCount(),
                        r.chunksSent(), r.sealed().getPageCount(), r.sealed().getZeroPageCount(), r.bytesSent(), r.fileSize(),
                        r.pageBytes(), r.seconds(), r.streamSeconds(), r.streamPageBytes())));
            } else {
                out.printf("%s  dump id %s: %d chunks (%d sent now), %d pages + %d zero pages, %d bytes sent for a %d-byte file, %.1f s%n",
                        dump, r.dumpId(), r.sealed().getChunkCount(), r.chunksSent(), r.sealed().getPageCount(),
                        r.sealed().getZeroPageCount(), r.bytesSent(), r.fileSize(), r.seconds());
                if (r.hotPagesFirst()) {
                    out.printf("  hot pages first: chunks 0-%d carry the %d pages the analyses read%n", r.hotChunks() - 1,
                            r.hotPages());
                } else if (r.hotPagesFallback() != null) {
                    out.printf("  pages in pfn order: %s%n", r.hotPagesFallback());
                }
            }
        }
        return 0;
    }

    record Summary(String dumpId, String file, int chunks, int chunksSentNow, long pages, long zeroPages,
            long bytesSent, long fileSize, long pageBytes, double seconds, double streamSeconds, long streamPageBytes) {}

    /** Options shared by {@code upload} and {@code agent}. */
    public static final class AgentOptions {
        @Option(names = "--gateway", description = "gateway URL (default: the local stack, " + "http://127.0.0.1:18080/)")
        URI gateway;

        @Option(names = "--token-file", description = "file holding the bearer token (default: the local stack's dev token)")
        Path tokenFile;

        @Option(names = "--state", description = "checkpoint directory (default: HOME/agent-state)")
        Path state;

        @Option(names = "--concurrency", defaultValue = "4", description = "chunk uploads in flight (default: ${DEFAULT-VALUE})")
        int concurrency;

        @Option(names = "--bandwidth", defaultValue = "0", converter = Sizes.Converter.class,
                description = "cap in bytes/s, with K/M/G suffixes; 0 = none")
        long bandwidth;

        @Option(names = "--no-hot-pages",
                description = "send pages in pfn order instead of the pages the analyses read first (a resumed upload keeps the order it started with)")
        boolean noHotPages;

        UploadOptions toOptions() throws IOException {
            Path home = LocalStack.home();
            URI g = gateway != null ? gateway : LocalStack.defaultGateway();
            Path tf = tokenFile != null ? tokenFile : LocalStack.tokenFile(home);
            String token = System.getenv("CRASHPIPE_TOKEN");
            if (token == null || token.isBlank()) {
                if (!Files.isReadable(tf)) {
                    throw new IOException("no token: " + tf + " does not exist (start 'crashpipe up', or pass --token-file,"
                            + " or set CRASHPIPE_TOKEN)");
                }
                token = Files.readString(tf).strip();
            }
            return UploadOptions.defaults(g, token, state != null ? state : home.resolve("agent-state"))
                    .withConcurrency(concurrency).withBandwidth(bandwidth)
                    .withHotPagesFirst(!noHotPages);
        }
    }
}
