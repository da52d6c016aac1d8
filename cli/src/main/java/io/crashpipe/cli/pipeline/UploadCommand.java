package io.crashpipe.cli.pipeline;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe upload DUMP...}: sends dumps to a gateway (the local stack by default). */
@Command(name = "upload", mixinStandardHelpOptions = true,
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
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), dump.getFileName().toString(),
                    !noProgress && !json && System.console() != null);
            UploadResult r = new Uploader(options).upload(FoundDump.single(dump), bar);
            if (json) {
                Json.print(out, Json.MAPPER.valueToTree(new Summary(r.dumpId(), dump.toString(), r.sealed().getChunkCount(),
                        r.chunksSent(), r.sealed().getPageCount(), r.sealed().getZeroPageCount(), r.bytesSent(), r.fileSize(),
                        r.pageBytes(), r.seconds())));
            } else {
                out.printf("%s  dump id %s: %d chunks (%d sent now), %d pages + %d zero pages, %d bytes sent for a %d-byte file, %.1f s%n",
                        dump, r.dumpId(), r.sealed().getChunkCount(), r.chunksSent(), r.sealed().getPageCount(),
                        r.sealed().getZeroPageCount(), r.bytesSent(), r.fileSize(), r.seconds());
            }
        }
        return 0;
    }

    record Summary(String dumpId, String file, int chunks, int chunksSentNow, long pages, long zeroPages,
            long bytesSent, long fileSize, long pageBytes, double seconds) {}

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

        @Option(names = "--bandwidth", defaultValue = "0", description = "cap in bytes/s, with K/M/G suffixes; 0 = none")
        String bandwidth;

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
                    .withConcurrency(concurrency).withBandwidth(parseBytes(bandwidth));
        }

        static long parseBytes(String s) {
            String t = s.strip().toUpperCase(java.util.Locale.ROOT);
            long mul = 1;
            if (t.endsWith("B")) {
                t = t.substring(0, t.length() - 1);
            }
            switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
                case 'K' -> mul = 1L << 10;
                case 'M' -> mul = 1L << 20;
                case 'G' -> mul = 1L << 30;
                default -> mul = 1;
            }
            if (mul > 1) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                return (long) (Double.parseDouble(t) * mul);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Object()),
                        "--bandwidth: expected bytes/s such as 10M or 500K, got '" + s + "'");
            }
        }
    }
}
