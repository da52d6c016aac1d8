package io.crashpipe.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import io.crashpipe.cli.Json;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.KernelLogExtractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.extract.Sections;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code crashpipe bench analyze DUMP...}: how long a whole analysis pass (every section of the
 * report: sys, ps, mod, log and bt -a) takes in a warm JVM, per section, next to
 * {@code makedumpfile --dump-dmesg} run on the same file in the same command.
 *
 * <p>Two kinds of pass are timed. A <em>first pass</em> starts from nothing but the JVM: it opens the
 * dump and builds the kernel view (kallsyms, BTF, ORC, translation are built as the sections ask).
 * A <em>pass</em> re-runs every section over a view whose per-dump structures are already built:
 * what a streaming pass costs, and a second command on the same dump in one process.
 */
@Command(name = "analyze", header = "Time analysis passes per section, next to makedumpfile --dump-dmesg.",
        mixinStandardHelpOptions = true,
        description = {"Warm (after JIT warm-up) median and p99 of a whole analysis pass and of each section,",
            "the first pass on a freshly opened dump, and makedumpfile --dump-dmesg on the same file.",
            "A .zst file is decompressed into a temporary file first."})
public final class AnalyzeBenchmark implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DUMP", description = "dump files")
    List<Path> dumps;

    @Option(names = "--json", description = "one JSON array, one object per dump")
    boolean json;

    @Option(names = "--runs", defaultValue = "50", description = "timed passes of each kind (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--first-runs", description = "timed first passes (default: --runs); each opens the dump anew")
    Integer firstRuns;

    @Option(names = "--warmup", defaultValue = "30", description = "untimed passes of each kind first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--makedumpfile-runs", defaultValue = "20", description = "timed makedumpfile runs (default ${DEFAULT-VALUE})")
    int makedumpfileRuns;

    @Option(names = "--makedumpfile", defaultValue = "makedumpfile", description = "the makedumpfile executable")
    String makedumpfile;

    @Spec
    CommandSpec spec;

    /** Sections in report order; the log is timed first because sys takes the panic message from it. */
    private static final List<Extractor<?>> REPORT = Sections.ALL;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || makedumpfileRuns < 1 || (firstRuns != null && firstRuns < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--runs, --first-runs and --makedumpfile-runs must be at least 1, --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (Path given : dumps) {
            Path file = plain(given);
            try {
                DumpTimes t = measure(file);
                MakedumpfileDmesgTimer.Result mdf = new MakedumpfileDmesgTimer(makedumpfile).time(file, makedumpfileRuns);
                if (json) {
                    all.add(toJson(given, t, mdf));
                } else {
                    print(out, given, t, mdf);
                }
            } finally {
                if (!file.equals(given)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        if (json) {
            Json.print(out, all);
        } else {
            out.printf(Locale.ROOT, "load average %s on %d cores%n", loadAverage(), Runtime.getRuntime().availableProcessors());
            out.flush();
        }
        return 0;
    }

    /**
     * What was measured on one dump. Wall time is what the goal is about; the thread's CPU time is
     * given beside it because on a shared machine wall time also counts waiting for a core.
     */
    record DumpTimes(double firstPassJitColdMs, Samples firstPass, Samples firstPassCpu, Samples pass, Samples passCpu,
            Map<String, Samples> firstSections, Map<String, Samples> sections, Map<String, String> outcomes) {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long cpuNow() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    private DumpTimes measure(Path file) throws IOException {
        long t0 = System.nanoTime();
        firstPass(file, null, null); // the JIT has seen none of it: what one CLI command pays on top of JVM start
        double jitCold = (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < warmup; i++) {
            firstPass(file, null, null);
        }
        int nFirst = firstRuns == null ? runs : firstRuns;
        long[] first = new long[nFirst];
        long[] firstCpu = new long[nFirst];
        Map<String, long[]> firstSections = sectionArrays(nFirst);
        for (int i = 0; i < nFirst; i++) {
            long c = cpuNow();
            long s = System.nanoTime();
            firstPass(file, firstSections, i);
            first[i] = System.nanoTime() - s;
            firstCpu[i] = cpuNow() - c;
        }
        long[] pass = new long[runs];
        long[] passCpu = new long[runs];
        Map<String, long[]> sections = sectionArrays(runs);
        Map<String, String> outcomes = new LinkedHashMap<>();
        try (Dump dump = Dumps.open(file)) {
            KernelView view = KernelView.of(dump);
            runSections(new Extraction(view), null, 0, outcomes); // builds the per-dump structures
            for (int i = 0; i < warmup; i++) {
                runSections(new Extraction(view), null, 0, null);
            }
            for (int i = 0; i < runs; i++) {
                long c = cpuNow();
                long s = System.nanoTime();
                runSections(new Extraction(view), sections, i, null);
                pass[i] = System.nanoTime() - s;
                passCpu[i] = cpuNow() - c;
            }
        }
        return new DumpTimes(jitCold, Samples.of(first), Samples.of(firstCpu), Samples.of(pass), Samples.of(passCpu),
                summarise(firstSections), summarise(sections), outcomes);
    }

    private void firstPass(Path file, Map<String, long[]> sections, Integer run) throws IOException {
        try (Dump dump = Dumps.open(file)) {
            runSections(new Extraction(KernelView.of(dump)), sections, run == null ? 0 : run, null);
        }
    }

    /** Every section once, the log first; each one's time goes into {@code times[section][run]}. */
    private static void runSections(Extraction x, Map<String, long[]> times, int run, Map<String, String> outcomes) {
        for (Extractor<?> e : timingOrder()) {
            long s = System.nanoTime();
            Outcome<?> o = ExtractionRunner.run(e, x);
            long t = System.nanoTime() - s;
            if (times != null) {
                times.get(e.section())[run] = t;
            }
            if (outcomes != null) {
                outcomes.put(e.section(), switch (o) {
                    case Outcome.Done<?> d -> "done";
                    case Outcome.Incomplete<?> i -> "incomplete: " + i.reason();
                    case Outcome.Waiting<?> w -> "waiting: " + w.missing().describe();
                });
            }
        }
    }

    private static List<Extractor<?>> timingOrder() {
        List<Extractor<?>> order = new ArrayList<>();
        REPORT.stream().filter(e -> e.section().equals(KernelLogExtractor.INSTANCE.section())).forEach(order::add);
        REPORT.stream().filter(e -> !order.contains(e)).forEach(order::add);
        return order;
    }

    private static Map<String, long[]> sectionArrays(int n) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Extractor<?> e : REPORT) {
            m.put(e.section(), new long[n]);
        }
        return m;
    }

    private static Map<String, Samples> summarise(Map<String, long[]> times) {
        Map<String, Samples> m = new LinkedHashMap<>();
        times.forEach((k, v) -> m.put(k, Samples.of(v)));
        return m;
    }

    private void print(PrintWriter out, Path dump, DumpTimes t, MakedumpfileDmesgTimer.Result mdf) {
        out.printf(Locale.ROOT, "== %s%n", dump);
        out.printf(Locale.ROOT, "  first pass, JIT cold (open + view + every section): %.1f ms%n", t.firstPassJitColdMs());
        out.printf(Locale.ROOT, "  %-44s %10s %10s %10s   (after %d warm-up runs of each)%n", "", "median ms", "p99 ms",
                "CPU ms", warmup);
        out.printf(Locale.ROOT, "  %-44s %10.2f %10.2f %10.2f   (%d runs)%n", "first pass (dump opened, structures built)",
                t.firstPass().medianMs(), t.firstPass().p99Ms(), t.firstPassCpu().medianMs(), t.firstPass().count());
        out.printf(Locale.ROOT, "  %-44s %10.2f %10.2f %10.2f   (%d runs)%n", "pass (structures built, every section again)",
                t.pass().medianMs(), t.pass().p99Ms(), t.passCpu().medianMs(), t.pass().count());
        for (String s : t.sections().keySet()) {
            out.printf(Locale.ROOT, "    %-42s %10.2f %10.2f   first pass %.2f ms%s%n", s, t.sections().get(s).medianMs(),
                    t.sections().get(s).p99Ms(), t.firstSections().get(s).medianMs(),
                    t.outcomes().get(s).equals("done") ? "" : "  (" + t.outcomes().get(s) + ")");
        }
        switch (mdf) {
            case MakedumpfileDmesgTimer.Timed m -> out.printf(Locale.ROOT,
                    "  %-44s %10.2f %10.2f   (whole process, %d runs); pass / makedumpfile = %.2f%n",
                    "makedumpfile --dump-dmesg", m.samples().medianMs(), m.samples().p99Ms(), m.samples().count(),
                    t.pass().medianMs() / m.samples().medianMs());
            case MakedumpfileDmesgTimer.Failed f -> out.printf(Locale.ROOT, "  makedumpfile --dump-dmesg: %s%n", f.reason());
        }
        out.flush();
    }

    private ObjectNode toJson(Path dump, DumpTimes t, MakedumpfileDmesgTimer.Result mdf) {
        ObjectNode o = Json.object();
        o.put("dump", dump.toString());
        o.put("runs", runs);
        o.put("first_pass_runs", t.firstPass().count());
        o.put("warmup_runs", warmup);
        o.put("first_pass_jit_cold_ms", round(t.firstPassJitColdMs()));
        o.put("first_pass_ms", round(t.firstPass().medianMs()));
        o.put("first_pass_p99_ms", round(t.firstPass().p99Ms()));
        o.put("pass_median_ms", round(t.pass().medianMs()));
        o.put("pass_p99_ms", round(t.pass().p99Ms()));
        o.put("first_pass_cpu_ms", round(t.firstPassCpu().medianMs()));
        o.put("pass_cpu_median_ms", round(t.passCpu().medianMs()));
        o.put("pass_cpu_p99_ms", round(t.passCpu().p99Ms()));
        ObjectNode sections = o.putObject("sections");
        ObjectNode p99 = o.putObject("sections_p99_ms");
        ObjectNode first = o.putObject("first_pass_sections");
        ObjectNode outcomes = o.putObject("outcomes");
        for (String s : t.sections().keySet()) {
            sections.put(s, round(t.sections().get(s).medianMs()));
            p99.put(s, round(t.sections().get(s).p99Ms()));
            first.put(s, round(t.firstSections().get(s).medianMs()));
            outcomes.put(s, t.outcomes().get(s));
        }
        switch (mdf) {
            case MakedumpfileDmesgTimer.Timed m -> {
                o.put("makedumpfile_ms", round(m.samples().medianMs()));
                o.put("makedumpfile_p99_ms", round(m.samples().p99Ms()));
            }
            case MakedumpfileDmesgTimer.Failed f -> {
                o.putNull("makedumpfile_ms");
                o.put("makedumpfile_error", f.reason());
            }
        }
        o.put("load_average", loadAverage());
        return o;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The dump as a plain file: a .zst fixture is decompressed into a temporary file. */
    private static Path plain(Path given) throws IOException {
        if (!given.getFileName().toString().endsWith(".zst")) {
            return given;
        }
        Path tmp = Files.createTempFile("crashpipe-bench-", "-" + given.getFileName().toString().replace(".zst", ""));
        try (InputStream in = new ZstdInputStream(Files.newInputStream(given))) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
