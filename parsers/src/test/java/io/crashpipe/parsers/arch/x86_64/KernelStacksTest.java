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

    /**
     * The running task's stack top from per-CPU data alone (cpu_current_top_of_stack, pcpu_hot,
     * or the TSS's sp1 on 5.10) is its task_struct.stack + THREAD_SIZE (offset from BTF), less
     * FRED's padding on 7.2.
     */
    @Test
    void runningTasksStackTopIsFoundOnEveryPerCpuLayout() throws Exception {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            var curr = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.nio.file.Files.readString(Fixtures.truth(dir, "drgn.json"))).get("cpu_curr");
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                long stackField = io.crashpipe.parsers.btf.KernelBtf.find(v).orElseThrow().field("task_struct.stack").offset();
                PerCpuSymbols percpu = PerCpuSymbols.of(v.kallsyms(), v.memory());
                for (int cpu = 0; cpu < d.cpuRegisters().size(); cpu++) {
                    long task = Long.parseUnsignedLong(curr.get(Integer.toString(cpu)).get("task").asText().substring(2), 16);
                    long stack = v.memory().u64(task + stackField);
                    String where = dir.getFileName() + " CPU " + cpu + " stack " + Long.toHexString(stack);
                    long top = KernelStacks.taskStackTop(percpu, cpu).orElseThrow(() -> new AssertionError(where));
                    assertEquals(stack, KernelStacks.stackBase(top), where);
                    long padding = stack + KernelStacks.THREAD_SIZE - top;
                    assertTrue(padding == 0 || padding == KernelStacks.FRED_PADDING, where + " padding " + padding);
                }
            }
        }
    }
}
