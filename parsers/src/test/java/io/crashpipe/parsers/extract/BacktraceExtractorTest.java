package io.crashpipe.parsers.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.oops.CrashReport;
import io.crashpipe.parsers.oops.LogReports;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacktraceExtractorTest {

    /** The panic task's reliable frames after panic() itself, as "function+0xoffset". */
    static List<String> callersOfPanic(Backtrace bt) {
        List<Frame> frames = bt.frames();
        int panic = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).name().filter("panic"::equals).isPresent()) {
                panic = i;
                break;
            }
        }
        List<String> out = new ArrayList<>();
        for (Frame f : frames.subList(panic + 1, frames.size())) {
            if (f.reliable()) {
                out.add(f.symbol().map(s -> s.name() + "+0x" + Long.toHexString(s.offset())).orElse("?"));
            }
        }
        return out;
    }

    /** The same from the Call Trace the kernel printed in the dump's own log. */
    static List<String> printedCallersOfPanic(CrashReport report) {
        List<io.crashpipe.parsers.oops.Frame> frames = report.frames().stream().filter(f -> f.trace() == 0).toList();
        int panic = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).rawFunction().equals("panic")) {
                panic = i;
                break;
            }
        }
        return frames.subList(panic + 1, frames.size()).stream().filter(io.crashpipe.parsers.oops.Frame::reliable)
                .map(f -> f.rawFunction() + "+0x" + Long.toHexString(f.offset())).toList();
    }

    private static boolean x86(Dump d) {
        return d.header().utsname().map(u -> u.machine().isEmpty() || u.machine().equals("x86_64")).orElse(true);
    }

    /**
     * On every fixture (and extra dump) the panic task's trace, from panic()'s caller on, is the
     * Call Trace the kernel printed in the dump's own log: same functions, same offsets, same order.
     */
    @Test
    void thePanicTasksFramesEqualTheCallTraceTheKernelPrintedInTheDumpsOwnLog() throws Exception {
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Path dir : Fixtures.allDumpDirs()) {
            Path file = Fixtures.variants(dir).get(0);
            try (Dump d = Dumps.open(file)) {
                if (!x86(d)) {
                    continue; // the unwinder is x86_64's for now (arm64: issue 19)
                }
                Extraction x = new Extraction(KernelView.of(d));
                Outcome<BacktraceSection> o = ExtractionRunner.run(BacktraceExtractor.DEFAULT, x);
                String name = dir.getFileName().toString();
                if (!(o instanceof Outcome.Done<BacktraceSection> done)) {
                    wrong.add(name + ": " + o);
                    continue;
                }
                Backtrace panic = done.value().panic().orElse(null);
                CrashReport printed = LogReports.of(x.require(KernelLogExtractor.INSTANCE)).get(0);
                List<String> expected = printedCallersOfPanic(printed);
                assertFalse(expected.isEmpty(), name + ": the log's Call Trace has no frames after panic");
                List<String> actual = panic == null ? List.of() : callersOfPanic(panic);
                if (!expected.equals(actual)) {
                    wrong.add(name + ": expected " + expected + " but unwound " + actual);
                }
                checked.add(name);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertFalse(checked.isEmpty());
    }

    @Test
    void everyCpusTraceIsThereAndEqualsWhatBtAPrints() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).get(0);
        try (Dump d = Dumps.open(file)) {
            KernelView v = KernelView.of(d);
            BacktraceSection bt = new Extraction(v).require(BacktraceExtractor.DEFAULT);
            List<Backtrace> direct = BacktraceReader.withoutBtf(v, d.cpuRegisters()).all();
            assertEquals(direct, bt.cpus());
            assertEquals(1, bt.panicCpu().getAsInt());
            assertEquals(1, bt.panic().orElseThrow().task().orElseThrow().pid().getAsInt());
            // The fixtures' crash 'foreach UN bt' is empty: no task was in D state.
            assertTrue(bt.blocked().isEmpty());
            assertEquals(0, bt.blockedOmitted());
            assertTrue(bt.gaps().isEmpty(), bt.gaps().toString());
        }
    }

    @Test
    void aDumpWithoutRegisterNotesGivesAnIncompleteSectionSayingWhy() throws Exception {
        Path file = Fixtures.variants(Fixtures.dir("6.1-qemu-sysrq")).get(0);
        try (Dump d = Dumps.open(file)) {
            KernelView withoutNotes = new KernelView(KernelView.of(d).vmcoreinfo(),
                    new io.crashpipe.parsers.memory.DumpMemory(d));
            Outcome<BacktraceSection> o = ExtractionRunner.run(BacktraceExtractor.DEFAULT, new Extraction(withoutNotes));
            Outcome.Incomplete<?> i = assertInstanceOf(Outcome.Incomplete.class, o);
            assertTrue(i.reason().contains("NT_PRSTATUS"), i.reason());
        }
    }

    @Test
    void theBlockedTraceCapIsAConfigurationAndSectionsCarryIt() {
        List<Extractor<?>> capped = Sections.withMaxBlockedTraces(3);
        assertEquals(Sections.ALL.size(), capped.size());
        assertTrue(capped.contains(new BacktraceExtractor(3)));
        assertEquals("bt", Sections.ALL.get(Sections.ALL.size() - 1).section());
    }
}
