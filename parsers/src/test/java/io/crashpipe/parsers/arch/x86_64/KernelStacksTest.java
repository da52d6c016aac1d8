package io.crashpipe.parsers.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.unwind.PerCpuSymbols;
import io.crashpipe.parsers.unwind.StackKind;
import io.crashpipe.parsers.unwind.StackRange;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KernelStacksTest {

    /**
     * IRQ stacks (hardirq_stack_ptr on 6.1, found inside pcpu_hot on 6.12) and the IST stacks
     * from the hardware TSS: 8 KiB exception stacks in the cpu_entry_area, 16 KiB IRQ stacks.
     */
    @Test
    void irqAndExceptionStacksOfEveryCpuAreFoundWithoutDebugSymbols() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                PerCpuSymbols percpu = PerCpuSymbols.of(v.kallsyms(), v.memory());
                for (int cpu = 0; cpu < d.cpuRegisters().size(); cpu++) {
                    Map<StackKind, StackRange> r = KernelStacks.of(percpu, cpu).ranges().stream()
                            .collect(Collectors.toMap(StackRange::kind, x -> x));
                    String where = dir.getFileName() + " CPU " + cpu + " " + r;
                    StackRange irq = r.get(StackKind.IRQ);
                    assertEquals(KernelStacks.THREAD_SIZE, irq.high() - irq.low(), where);
                    for (StackKind k : new StackKind[] {StackKind.DOUBLE_FAULT, StackKind.NMI, StackKind.DEBUG, StackKind.MCE}) {
                        StackRange s = r.get(k);
                        assertEquals(8192, s.high() - s.low(), where + " " + k);
                        // cpu_entry_area starts at 0xfffffe0000000000 with 4-level paging.
                        assertTrue(Long.compareUnsigned(s.low(), 0xfffffe0000000000L) >= 0, where + " " + k);
                    }
                }
            }
        }
    }
}
