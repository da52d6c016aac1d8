package io.crashpipe.parsers.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.CrashBtFormat;
import io.crashpipe.parsers.unwind.Frame;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Arm64BacktraceTest {
    private static final Pattern CRASH_FRAME = Pattern.compile("^ ?#(\\d+) \\[([0-9a-f]+)] (\\S+) at ([0-9a-f]+)$");

    private static Path dir() {
        return Fixtures.dir("arm64-6.1-qemu-sysrq");
    }

    private static Backtrace panicTrace(KernelView view, Dump d) {
        BacktraceReader reader = BacktraceReader.withoutBtf(view, d.cpuRegisters());
        return reader.forCpu(0);
    }

    @Test
    void panicTaskFramesEqualCrashsBtFrameForFrame() throws Exception {
        List<String> crash = Files.readAllLines(Fixtures.truth(dir(), "crash/bt.txt")).stream()
                .filter(l -> CRASH_FRAME.matcher(l).matches()).toList();
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            KernelView view = KernelView.of(d);
            assertSame(Arm64.INSTANCE, view.architecture());
            Backtrace bt = panicTrace(view, d);
            assertEquals(Backtrace.Method.FRAME_POINTER, bt.method());
            List<Frame> frames = bt.frames();
            assertEquals(crash.size(), frames.size(), CrashBtFormat.text(bt));
            for (int i = 0; i < frames.size(); i++) {
                Matcher m = CRASH_FRAME.matcher(crash.get(i));
                assertTrue(m.matches());
                Frame f = frames.get(i);
                assertEquals(m.group(3), f.name().orElse("?"), "frame #" + i);
                assertEquals(Long.parseUnsignedLong(m.group(2), 16), f.slot(), "frame record of #" + i);
                if (i > 0) {
                    // Frame #0 is the exact pc of the note; crash shows it 4 bytes back as if it were a return address.
                    assertEquals(Long.parseUnsignedLong(m.group(4), 16), f.pc(), "call site of #" + i);
                }
            }
        }
    }

    @Test
    void userRegistersAtTheTopOfTheStackPrintAsCrashPrintsThem() throws Exception {
        List<String> crash = Files.readAllLines(Fixtures.truth(dir(), "crash/bt.txt"));
        String expected = String.join("\n", crash.subList(crash.size() - 12, crash.size())) + "\n";
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            String text = CrashBtFormat.text(panicTrace(KernelView.of(d), d));
            assertTrue(text.endsWith(expected), text);
        }
    }

    /**
     * The kernel's own Call trace (printed by panic's dump_stack) names frames by the raw return
     * address, so the caller of the noreturn panic() shows as the function after it; crash and
     * crashpipe name the call instruction. Past that one frame the sequences agree from panic on.
     */
    @Test
    void panicTaskAgreesWithTheKernelsPrintedCallTraceFromPanicOn() throws Exception {
        var truth = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Fixtures.truth(dir(), "guest-truth.json").toFile()).get("call_trace");
        List<String> kernel = new java.util.ArrayList<>();
        truth.forEach(f -> kernel.add(f.get("function").asText()));
        List<String> fromPanic = kernel.subList(kernel.indexOf("panic"), kernel.size());
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            List<String> ours = panicTrace(KernelView.of(d), d).frames().stream().map(f -> f.name().orElse("?")).toList();
            List<String> oursFromPanic = ours.subList(ours.indexOf("panic"), ours.size());
            assertEquals(fromPanic.size(), oursFromPanic.size());
            for (int i = 0; i < fromPanic.size(); i++) {
                if (fromPanic.get(i).equals("sysrq_reset_seq_param_set")) {
                    assertEquals("sysrq_handle_crash", oursFromPanic.get(i));
                } else {
                    assertEquals(fromPanic.get(i), oursFromPanic.get(i), "frame " + i + " after panic");
                }
            }
        }
    }
}
