package io.crashpipe.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of the launcher's ahead-of-time cache (JDK 24+ {@code -XX:AOTCacheOutput}):
 * the classes this JVM loads and links, and the methods it profiles, are what the cache holds for
 * later runs. It runs the short commands people start most, on a small real dump when one is
 * given (the repository's {@code samples/sample.kdump}), with their output discarded.
 *
 * <p>Not {@code --help}: it builds every command's model, which loads the pipeline commands'
 * option types (Kafka, Elasticsearch), and a JDK 24+ cache loads every class it holds at start.</p>
 *
 * <p>With commands after the dump it runs only those, on the dump: the training of a cache of one
 * command's own (the launcher keeps one for each triage command that runs on a dump alone, since
 * a cache's classes are all loaded at every start).</p>
 *
 * <p>With {@code upload} as the only command it trains the agent's cache instead: see {@link #upload}.</p>
 *
 * <pre>java -XX:AOTCacheOutput=crashpipe.aot -cp crashpipe-cli.jar io.crashpipe.cli.AotTraining [DUMP [COMMAND...]]</pre>
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        List<String[]> runs = new ArrayList<>();
        boolean dump = args.length > 0 && Files.isRegularFile(Path.of(args[0]));
        if (dump && args.length == 2 && args[1].equals("upload")) {
            upload(args[0]);
            return;
        }
        if (args.length > 1) {
            for (String command : List.of(args).subList(1, args.length)) {
                runs.add(dump ? new String[] {command, args[0]} : new String[] {command, "--help"});
            }
        } else {
            runs.add(new String[] {"--version"});
            runs.add(new String[] {"log", "--help"});
            if (dump) {
                for (String command : List.of("log", "sys", "ps", "mod", "bt", "analyze")) {
                    runs.add(new String[] {command, args[0]});
                }
            }
        }
        quietly(runs);
    }

    /**
     * The agent's own cache (the launcher's {@code upload} and {@code agent} commands, with their
     * small-footprint JVM options): one whole upload of the dump, hot-page analysis, hashing,
     * compression and the HTTP client included, to a {@link TrainingGateway}. Its HTTP is 1.1,
     * not the h2c a real gateway speaks: the HTTP/2 classes load at run time.
     */
    private static void upload(String dump) {
        Path state = null;
        try (TrainingGateway gateway = TrainingGateway.start()) {
            state = Files.createTempDirectory("crashpipe-aot-training");
            quietly(List.<String[]>of(uploadCommand(gateway, state, dump)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (state != null) {
                TempTrees.delete(state);
            }
        }
    }

    /** The command line of the training upload: {@code dump} to {@code gateway}, token and checkpoints under {@code state}. */
    static String[] uploadCommand(TrainingGateway gateway, Path state, String dump) throws IOException {
        Path token = Files.writeString(state.resolve("token"), "training\n");
        return new String[] {"upload", "--no-progress", "--json", "--gateway", gateway.uri().toString(),
                "--token-file", token.toString(), "--state", state.resolve("checkpoints").toString(), dump};
    }

    private static void quietly(List<String[]> runs) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(discard);
        System.setErr(discard);
        try {
            for (String[] run : runs) {
                Main.run(run);
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
