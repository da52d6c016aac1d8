package io.crashpipe.parsers.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BacktraceFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * drgn's per-CPU traces list inlined functions as frames without saying so; these two are
     * inlined into stop_this_cpu and sysvec_reboot, and on 5.10 run_sysvec_on_irqstack_cond (a
     * static inline of asm/irq_stack.h) too (the panic CPU's inline flags come from drgn.json's
     * stack_trace_from_prstatus).
     */
    private static final Set<String> INLINED_ON_OTHER_CPUS = Set.of("native_halt", "instr_sysvec_reboot",
            "run_sysvec_on_irqstack_cond");

    private record Loaded(List<Backtrace> traces, Kallsyms symbols, int panicCpu) {}

    private static Loaded load(Path dump) throws IOException {
        try (Dump d = Dumps.open(dump)) {
            KernelView v = KernelView.of(d);
            BacktraceReader r = BacktraceReader.withoutBtf(v, d.cpuRegisters());
            return new Loaded(r.all(), v.kallsyms(), r.panicCpu().orElse(-1));
        }
    }

    private static JsonNode drgn(Path dir) throws IOException {
        return JSON.readTree(Files.readString(Fixtures.truth(dir, "drgn.json")));
    }

    @Test
    void btASymbolSequencesEqualDrgnsTracesFromTheRegisterNotes() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            JsonNode truth = drgn(dir);
            Loaded l = load(Fixtures.variants(dir).get(0));
            Set<String> inlined = new HashSet<>(INLINED_ON_OTHER_CPUS);
            truth.at("/crashed/panic_cpu_task/stack_trace_from_prstatus").forEach(f -> {
                if (f.path("inline").asBoolean()) {
                    inlined.add(f.get("function").asText());
                }
            });
            JsonNode perCpu = truth.at("/crashed/per_cpu_prstatus_traces");
            assertEquals(perCpu.size(), l.traces().size(), dir + ": one trace per CPU note");
            for (Backtrace bt : l.traces()) {
                List<String> expected = new ArrayList<>();
                boolean endsInUser = false;
                for (JsonNode n : perCpu.get(Integer.toString(bt.cpu()))) {
                    if (n.isNull()) {
                        endsInUser = true;
                    } else if (!inlined.contains(n.asText())) {
                        expected.add(n.asText());
                    }
                }
                String where = dir.getFileName() + " CPU " + bt.cpu();
                if (bt.method() == Backtrace.Method.ORC_FROM_STACK_SCAN) {
                    // The note holds user registers: drgn's trace from them has no kernel frame.
                    assertEquals(List.of(), expected, where);
                    continue;
                }
                assertEquals(Backtrace.Method.ORC, bt.method(), where);
                List<Frame> frames = bt.frames();
                assertEquals(expected.size(), frames.size(), where + ": " + names(frames) + " vs drgn " + expected);
                for (int i = 0; i < frames.size(); i++) {
                    assertTrue(sameFunction(frames.get(i), expected.get(i), l.symbols()),
                            where + " frame " + i + ": " + names(frames) + " vs drgn " + expected);
                }
                TraceStep last = bt.steps().get(bt.steps().size() - 1);
                assertEquals(endsInUser, last instanceof ExceptionFrame e && e.regs().userMode(), where);
            }
        }
    }

    /** The panic CPU's frames carry drgn's exact pcs: every non-inlined one must be ours too. */
    @Test
    void panicCpuReturnAddressesEqualDrgns() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            JsonNode truth = drgn(dir);
            Loaded l = load(Fixtures.variants(dir).get(0));
            int cpu = truth.get("panic_cpu").asInt();
            assertEquals(cpu, l.panicCpu(), dir + " panic_cpu");
            List<Long> expected = new ArrayList<>();
            for (JsonNode f : truth.at("/crashed/panic_cpu_task/stack_trace_from_prstatus")) {
                if (!f.path("pc").isTextual()) {
                    continue; // drgn's closing "program counter is not known" entry
                }
                long pc = Long.parseUnsignedLong(f.get("pc").asText().substring(2), 16);
                if (!f.path("inline").asBoolean() && pc < 0) {
                    expected.add(pc);
                }
            }
            List<Long> ours = l.traces().get(cpu).frames().stream().map(Frame::pc).toList();
            assertEquals(hex(expected), hex(ours), dir.toString());
        }
    }

    @Test
    void runningTaskOfEachCpuEqualsDrgnsCpuCurr() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            JsonNode curr = drgn(dir).get("cpu_curr");
            Loaded l = load(Fixtures.variants(dir).get(0));
            for (Backtrace bt : l.traces()) {
                JsonNode want = curr.get(Integer.toString(bt.cpu()));
                TaskRef t = bt.task().orElseThrow();
                String where = dir.getFileName() + " CPU " + bt.cpu();
                assertEquals(Long.parseUnsignedLong(want.get("task").asText().substring(2), 16), t.task(), where);
                assertEquals(want.get("pid").asInt(), t.pid().getAsInt(), where);
                assertEquals(want.get("comm").asText(), t.comm().orElseThrow(), where);
            }
        }
    }

    /**
     * Every reliable frame we print with a stack slot is one crash printed at the same slot, in
     * the same order (crash also prints stale frames, which we leave out or mark with "?").
     */
    @Test
    void btAFramesAppearInCrashsBtAAtTheSameStackSlots() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            Path crashBt = Fixtures.truth(dir, "crash/bt-a.txt");
            if (!Files.isRegularFile(crashBt)) {
                continue; // crash 8.0.2 cannot open 6.12 dumps
            }
            List<CrashTask> crash = CrashTask.parse(Files.readString(crashBt));
            Loaded l = load(Fixtures.variants(dir).get(0));
            assertEquals(crash.size(), l.traces().size(), dir.toString());
            for (Backtrace bt : l.traces()) {
                CrashTask want = crash.get(bt.cpu());
                String where = dir.getFileName() + " CPU " + bt.cpu();
                String ours = CrashBtFormat.text(bt);
                assertEquals(want.header(), ours.lines().findFirst().orElseThrow(), where);
                List<String> ourFrames = new ArrayList<>();
                List<String> allFrames = new ArrayList<>();
                for (Frame f : bt.frames()) {
                    if (!f.fromRegisters()) {
                        String line = String.format("[%016x] %s at %016x", f.slot(), f.name().orElseThrow(), f.pc());
                        allFrames.add(line);
                        if (f.reliable()) {
                            ourFrames.add(line);
                        }
                    }
                }
                if (bt.method() == Backtrace.Method.ORC_FROM_STACK_SCAN) {
                    // Nothing anchors these frames; crash's (found its own way) must all be among them.
                    assertInOrder(want.frames(), allFrames, where);
                } else {
                    // The entry frame of a user-mode interrupt is compared by name only: on 5.10, where
                    // error_entry moved pt_regs to the task stack, crash reads the stale return address of
                    // "call error_entry" one slot below the real one of "call sysvec_reboot" (ORC's).
                    assertInOrder(ourFrames.subList(0, ourFrames.size() - 1), want.frames(), where);
                }
                assertEquals(functionOf(want.frames().get(want.frames().size() - 1)),
                        functionOf(allFrames.get(allFrames.size() - 1)), where);
                assertTrue(ours.endsWith(want.lastRegisters()), where + ": user registers\n" + ours);
                if (want.exceptionRip() != null) {
                    assertTrue(ours.contains(want.exceptionRip()), where + ": " + want.exceptionRip());
                }
            }
        }
    }

    @Test
    void kdumpCpuStoppedByNmiShowsTheNmiHandlerFramesLikeCrash() throws IOException {
        Path dir = Fixtures.dir("6.1-kdump-sysrq");
        Backtrace bt = load(Fixtures.variants(dir).get(0)).traces().get(0);
        assertEquals(Backtrace.Method.ORC_FROM_STACK_SCAN, bt.method());
        assertEquals(List.of("cpu_emergency_disable_virtualization", "crash_nmi_callback", "default_do_nmi", "exc_nmi",
                "asm_exc_nmi"), names(bt.frames()));
        assertTrue(bt.frames().stream().noneMatch(Frame::reliable), "no registers anchor these frames");
        ExceptionFrame user = assertInstanceOf(ExceptionFrame.class, bt.steps().get(bt.steps().size() - 1));
        assertEquals(0x416210L, user.regs().pc());
    }

    @Test
    void everyContainerVariantGivesTheSameBtA() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            List<Path> variants = Fixtures.variants(dir);
            String first = CrashBtFormat.text(load(variants.get(0)).traces());
            for (Path p : variants.subList(1, variants.size())) {
                assertEquals(first, CrashBtFormat.text(load(p).traces()), p.toString());
            }
        }
    }

    /** "[slot] name at pc" to name. */
    private static String functionOf(String frameLine) {
        return frameLine.split(" ")[1];
    }

    /** Every line of {@code part} occurs in {@code whole}, in the same order. */
    private static void assertInOrder(List<String> part, List<String> whole, String where) {
        int at = 0;
        for (String f : part) {
            while (at < whole.size() && !whole.get(at).equals(f)) {
                at++;
            }
            assertTrue(at < whole.size(), where + ": " + f + " not in " + whole);
        }
    }

    private static boolean sameFunction(Frame f, String drgnName, Kallsyms symbols) {
        String ours = f.name().orElse("");
        int dot = ours.indexOf('.');
        String base = dot > 0 ? ours.substring(0, dot) : ours;
        if (base.equals(drgnName)) {
            return true;
        }
        // A label inside the function drgn names (entry_SYSCALL_64_after_hwframe in entry_SYSCALL_64).
        var start = symbols.address(drgnName);
        return ours.startsWith(drgnName) && start.isPresent() && Long.compareUnsigned(start.getAsLong(), f.pc()) <= 0;
    }

    private static List<String> names(List<Frame> frames) {
        return frames.stream().map(f -> f.name().orElse("?")).toList();
    }

    private static List<String> hex(List<Long> v) {
        return v.stream().map(Long::toHexString).toList();
    }

    /** One task of crash's bt -a output. */
    private record CrashTask(String header, List<String> frames, String exceptionRip, String lastRegisters) {
        private static final Pattern FRAME = Pattern.compile("^ ?#\\d+ (\\[[0-9a-f]{16}\\] \\S+ at [0-9a-f]{16})");

        static List<CrashTask> parse(String text) {
            List<CrashTask> out = new ArrayList<>();
            for (String block : text.strip().split("\n\n")) {
                List<String> lines = block.lines().toList();
                List<String> frames = new ArrayList<>();
                String rip = null;
                for (String line : lines) {
                    Matcher m = FRAME.matcher(line);
                    if (m.find()) {
                        frames.add(m.group(1));
                    } else if (line.contains("[exception RIP:")) {
                        rip = line;
                    }
                }
                String regs = String.join("\n", lines.subList(lines.size() - 7, lines.size())) + "\n";
                out.add(new CrashTask(lines.get(0), frames, rip, regs));
            }
            assumeTrue(!out.isEmpty(), "crash bt -a output is empty");
            return out;
        }
    }
}
