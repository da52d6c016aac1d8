package io.crashpipe.parsers.unwind;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dumps made with {@code ../shared/lab/make-dump.py} (other crash kinds: NMI, lockups, oopses),
 * found through {@code -Dcrashpipe.lab.dumps=$LAB_DATA/dumps}; skipped without it. For each dump
 * the panic CPU's trace must contain, in order, the reliable frames of the Call Trace the kernel
 * printed (serial.log): from panic() on, or for an oops the oops' own trace, module frames
 * included (lkdtm rows): the kernel unwound the same stack with the same ORC data a moment
 * earlier.
 */
class LabDumpBacktraceTest {
    private static final Pattern FRAME = Pattern.compile("^\\[\\s*[\\d.]+\\]\\s+(\\? )?([\\w.]+)\\+0x[0-9a-f]+/0x[0-9a-f]+(\\s+\\[\\w+\\])?\\s*$");

    @Test
    void panicCpuTraceContainsTheKernelsOwnReliableFrames() throws IOException {
        String root = System.getProperty("crashpipe.lab.dumps");
        assumeTrue(root != null, "set -Dcrashpipe.lab.dumps=DIR to check lab dumps");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(Path.of(root))) {
            dirs = s.filter(d -> dumpOf(d) != null && Files.isRegularFile(d.resolve("serial.log"))).sorted().toList();
        }
        assumeTrue(!dirs.isEmpty(), "no lab dumps under " + root);
        for (Path dir : dirs) {
            List<String> kernel = kernelFrames(Files.readAllLines(dir.resolve("serial.log")));
            assertFalse(kernel.isEmpty(), dir + ": no Call Trace from panic in serial.log");
            try (Dump d = Dumps.open(dumpOf(dir))) {
                KernelView v = KernelView.of(d);
                BacktraceReader r = BacktraceReader.of(v, d.cpuRegisters(), KernelBtf.find(v));
                Backtrace bt = r.forCpu(r.panicCpu().orElseThrow());
                List<String> ours = bt.frames().stream().map(f -> f.name().orElse("?")).toList();
                int at = 0;
                for (String k : kernel) {
                    while (at < ours.size() && !ours.get(at).equals(k)) {
                        at++;
                    }
                    assertTrue(at < ours.size(), dir.getFileName() + ": kernel frame " + k + " missing; kernel " + kernel
                            + "\n" + CrashBtFormat.text(bt));
                }
            }
        }
    }

    /** QEMU's ELF dump, or for a genuine kdump row the kdump-compressed file the capture kernel wrote. */
    private static Path dumpOf(Path dir) {
        if (Files.isRegularFile(dir.resolve("vmcore.elf"))) {
            return dir.resolve("vmcore.elf");
        }
        try (Stream<Path> s = Files.walk(dir.resolve("kdump/var/crash"), 2)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dump.")
                    && p.getParent().getFileName().toString().matches("\\d+")).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The kernel's own trace of the crash: the first Call Trace block that contains panic (from
     * panic on), else (an oops with panic_on_oops, where panic() prints no second trace) the last
     * block before the "Kernel panic" line. Its reliable frames, module frames included.
     */
    private static List<String> kernelFrames(List<String> log) {
        List<String> last = new ArrayList<>();
        List<String> block = null;
        for (String line : log) {
            if (line.contains("Call Trace:")) {
                block = new ArrayList<>();
                continue;
            }
            if (line.contains("Kernel panic - not syncing")) {
                if (block != null && !block.isEmpty()) {
                    last = block;
                }
                block = null;
                if (last.contains("panic")) {
                    break;
                }
                continue;
            }
            if (block == null) {
                continue;
            }
            if (line.contains("---[ end") || line.contains("</TASK>")) {
                if (block.contains("panic")) {
                    return block.subList(block.indexOf("panic"), block.size());
                }
                last = block.isEmpty() ? last : block;
                block = null;
                continue;
            }
            Matcher m = FRAME.matcher(line);
            if (m.find() && m.group(1) == null) {
                block.add(m.group(2));
            }
        }
        return last.contains("panic") ? last.subList(last.indexOf("panic"), last.size()) : last;
    }
}
