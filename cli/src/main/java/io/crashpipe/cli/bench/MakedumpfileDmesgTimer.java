package io.crashpipe.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: {@code makedumpfile --dump-dmesg DUMP OUT} as a whole process, timed over several
 * runs after one untimed run (so both tools read the file from a warm page cache).
 */
final class MakedumpfileDmesgTimer {
    /** What makedumpfile gave: its times, or why it could not read the dump. */
    sealed interface Result {}

    record Timed(Samples samples) implements Result {}

    record Failed(String reason) implements Result {}

    private final String executable;

    MakedumpfileDmesgTimer(String executable) {
        this.executable = executable;
    }

    Result time(Path dump, int runs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("crashpipe-bench-mdf");
        try {
            Path out = dir.resolve("dmesg");
            String failure = once(dump, out); // untimed: warms the page cache and tells whether it can read it
            if (failure != null) {
                return new Failed(failure);
            }
            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                failure = once(dump, out);
                nanos[i] = System.nanoTime() - t0;
                if (failure != null) {
                    return new Failed(failure);
                }
            }
            return new Timed(Samples.of(nanos));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** One run; null when it wrote the log, else what makedumpfile said. */
    private String once(Path dump, Path out) throws IOException, InterruptedException {
        Files.deleteIfExists(out); // makedumpfile refuses to overwrite
        Process p;
        try {
            p = new ProcessBuilder(List.of(executable, "--dump-dmesg", dump.toString(), out.toString()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return executable + " cannot be run: " + e.getMessage();
        }
        byte[] said = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return executable + " did not finish in 60 s";
        }
        if (p.exitValue() != 0 || !Files.exists(out)) {
            String text = new String(said, StandardCharsets.UTF_8).strip();
            // Its first complaint says why ("zstd compression unsupported"); the last line only "Failed."
            String why = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("makedumpfile Failed."))
                    .findFirst().orElse(text.isEmpty() ? "no message" : text);
            return "makedumpfile cannot read this dump (exit " + p.exitValue() + "): " + why;
        }
        return null;
    }
}
