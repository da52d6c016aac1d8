package io.crashpipe.parsers.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The panic task's trace against the Call Trace the kernel printed itself a moment before the
 * dump (from panic()'s dump_stack, unwound by the kernel with the same ORC data): from the first
 * function both traces have, our frames must be the kernel's reliable frames, the same functions
 * in the same order, to the end, with no frame more or less. The kernel's own trace comes from the
 * guest's serial console (guest-truth.json) or, where the fixture has none, from the kernel log in
 * the dump (drgn.json kernel_call_traces).
 */
class PanicTraceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void panicTaskFramesEqualTheKernelsPrintedCallTrace() throws IOException {
        int checked = 0;
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            List<String> kernel = kernelReliableFrames(dir);
            for (Path variant : Fixtures.variants(dir)) {
                List<String> ours;
                String text;
                try (Dump d = Dumps.open(variant)) {
                    BacktraceReader r = BacktraceReader.withoutBtf(KernelView.of(d), d.cpuRegisters());
                    Backtrace bt = r.forCpu(r.panicCpu().orElseThrow());
                    ours = bt.frames().stream().map(f -> f.name().orElse("?")).toList();
                    text = CrashBtFormat.text(bt);
                    if (!Files.readString(dir.resolve("meta.json")).contains("\"kdump\": true")) {
                        // QEMU dumps: the note is an exact instruction with ORC data, so ORC alone unwinds it.
                        // (A genuine kdump's note is crash_setup_regs in __crash_kexec, which objtool leaves
                        // without ORC data: the frame above it can only be found by searching, marked '?'.)
                        assertTrue(bt.frames().stream().allMatch(Frame::reliable), variant + "\n" + text);
                    }
                }
                String where = variant + "\nkernel " + kernel + "\nours   " + ours + "\n" + text;
                int k = 0;
                while (k < kernel.size() && !ours.contains(kernel.get(k))) {
                    k++;
                }
                // Only dump_stack's own frames (the kernel printed from inside them) may be missing.
                assertTrue(k <= 1, where);
                int o = ours.indexOf(kernel.get(k));
                assertEquals(kernel.subList(k, kernel.size()), ours.subList(o, ours.size()), where);
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    private static List<String> kernelReliableFrames(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        Path guest = Fixtures.truth(dir, "guest-truth.json");
        if (Files.isRegularFile(guest)) {
            for (JsonNode f : JSON.readTree(Files.readString(guest)).path("call_trace")) {
                if (f.has("function") && f.path("reliable").asBoolean()) {
                    out.add(f.get("function").asText());
                }
            }
            return out;
        }
        JsonNode traces = JSON.readTree(Files.readString(Fixtures.truth(dir, "drgn.json"))).get("kernel_call_traces");
        JsonNode block = traces.get("blocks").get(traces.get("crash_trace_index").asInt());
        for (JsonNode f : block.get("frames")) {
            if (f.path("reliable").asBoolean()) {
                out.add(f.get("function").asText());
            }
        }
        return out;
    }
}
