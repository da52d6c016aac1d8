package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.sched.TaskTableReader;
import io.crashpipe.parsers.testing.DamagedDump;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damaged-dump corpus, built here from the 6.1 QEMU fixture by patching kernel memory with
 * the containers intact (nothing binary is kept in git): each case gives a flagged partial result
 * ("incomplete: ..." / "not available (why)") or a clear error, never silently wrong output, and
 * analyze prints every section it still can.
 */
class DamagedDumpCommandsTest {
    private static final Path FIXTURE = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");

    @TempDir
    static Path tmp;

    interface Damage {
        void apply(DamagedDump damaged, KernelView view, Dump d) throws IOException;
    }

    static Path build(String name, Damage damage) throws IOException {
        try (Dump d = Dumps.open(FIXTURE)) {
            DamagedDump damaged = new DamagedDump(d);
            damage.apply(damaged, KernelView.of(d), d);
            Path out = Path.of(System.getProperty("damaged.out", tmp.toString())).resolve(name);
            return damaged.write(out);
        }
    }

    static Path commWithEscapes;
    static Path printkDescriptorsWiped;
    static Path btfBroken;
    static Path panicStackZeroed;
    static Path topPageTableZeroed;
    static Path panicCpuNoteZeroed;

    @BeforeAll
    static void corpus() throws IOException {
        commWithEscapes = build("comm-escapes", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long task = TaskTableReader.read(view, btf).byPid(1).orElseThrow().address();
            long comm = task + btf.field("task_struct.comm").offset();
            dd.patch(DamagedDump.paddr(view, comm), "\u001b]0;pwn\u0007\u001b[2J\0".getBytes(StandardCharsets.ISO_8859_1));
        });
        printkDescriptorsWiped = build("printk-descs-wiped", (dd, view, d) -> {
            var vi = view.vmcoreinfo();
            long prb = view.memory().u64(vi.requireSymbol("prb"));
            long descRing = prb + vi.requireOffset("printk_ringbuffer", "desc_ring");
            int countBits = (int) view.memory().u32(descRing + vi.requireOffset("prb_desc_ring", "count_bits"));
            long descs = view.memory().u64(descRing + vi.requireOffset("prb_desc_ring", "descs"));
            long head = view.memory().u64(descRing + vi.requireOffset("prb_desc_ring", "head_id"));
            long headDesc = descs + (head & ((1L << countBits) - 1)) * vi.requireSize("prb_desc");
            long page = DamagedDump.paddr(view, headDesc) & ~4095L;
            dd.patch(page, new byte[4096]);
        });
        btfBroken = build("btf-magic", (dd, view, d) -> {
            long btf = view.kallsyms().address("__start_BTF").orElseThrow();
            dd.patch(DamagedDump.paddr(view, btf), new byte[] {0, 0});
        });
        panicStackZeroed = build("panic-stack-zeroed", (dd, view, d) -> {
            CpuRegisters panicCpu = d.cpuRegisters().get(1);
            long page = DamagedDump.paddr(view, panicCpu.rsp()) & ~4095L;
            dd.patch(page, new byte[4096]);
        });
        panicCpuNoteZeroed = build("cpu1-registers-zeroed", (dd, view, d) -> {
            java.util.List<io.crashpipe.parsers.dump.ElfNote> notes = new java.util.ArrayList<>();
            int prstatus = 0;
            for (var n : d.notes()) {
                if (n.isPrstatus() && prstatus++ == 1) {
                    byte[] desc = n.desc().clone();
                    java.util.Arrays.fill(desc, PR_REG, PR_REG + 27 * 8, (byte) 0);
                    n = new io.crashpipe.parsers.dump.ElfNote(n.name(), n.type(), desc, n.fileOffset());
                }
                notes.add(n);
            }
            dd.notes(notes);
        });
        topPageTableZeroed = build("top-page-table-zeroed", (dd, view, d) -> {
            long pgd = view.requireSymbol("init_top_pgt");
            dd.patch(DamagedDump.paddr(view, pgd), new byte[4096]);
        });
    }

    /** PRSTATUS: pr_reg (27 x86_64 registers) starts at byte 112 of the descriptor. */
    private static final int PR_REG = 112;

    private static String section(String out, String from, String to) {
        int a = out.indexOf(from);
        int b = out.indexOf(to, a + 1);
        assertTrue(a >= 0 && b > a, "no section from '" + from + "' to '" + to + "' in:\n" + out);
        return out.substring(a, b);
    }

    @Test
    void terminalEscapesInATaskNameArePrintedVisibleNotObeyed() {
        CliRun ps = CliRun.of("ps", commWithEscapes.toString());
        assertEquals(0, ps.exitCode(), ps.err());
        assertTrue(ps.out().contains("  \\x1b]0;pwn\\x07\\x1b[2J\n"), ps.out());
        assertFalse(ps.out().contains("\u001b"), "raw ESC reached the terminal");
        CliRun analyze = CliRun.of("analyze", commWithEscapes.toString());
        assertEquals(0, analyze.exitCode(), analyze.err());
        assertTrue(analyze.out().contains("COMMAND: \"\\x1b]0;pwn\\x07\\x1b[2J\""), analyze.out());
        assertFalse(analyze.out().contains("\u001b"), "raw ESC reached the terminal");
    }

    @Test
    void wipedPrintkDescriptorsFlagTheLogAndPanicIsUnknownNotEmpty() {
        CliRun r = CliRun.of("analyze", printkDescriptorsWiped.toString());
        assertEquals(0, r.exitCode(), r.err());
        String sys = section(r.out(), "CPUS:", "\nPANIC\n");
        assertTrue(sys.contains("PANIC: (unknown: the kernel log is incomplete: descriptor id "), sys);
        assertFalse(sys.contains("PANIC: \"\""), sys);
        String panic = section(r.out(), "\nPANIC\n", "TAINTED_MASK");
        assertTrue(panic.contains("\nincomplete: kernel log: descriptor id "), panic);
        assertTrue(panic.contains("more records that failed their checks\n"), panic);
        // The other sections are all there.
        assertTrue(r.out().contains("      PID    PPID  CPU       TASK"), "ps");
        assertTrue(r.out().contains("     MODULE       NAME"), "mod");
        assertTrue(r.out().contains("BT -A\nPID: 119 "), "bt");
        assertTrue(r.err().contains("crashpipe analyze: log incomplete: descriptor id "), r.err());
    }

    @Test
    void aBrokenBtfLosesOnlyTheSectionsThatNeedItsLayouts() {
        CliRun r = CliRun.of("analyze", btfBroken.toString());
        assertEquals(0, r.exitCode(), r.err());
        String why = "(.BTF at __start_BTF 0x";
        assertTrue(r.out().contains("\nps: not available " + why), r.out());
        assertTrue(r.out().contains("\nmod: not available " + why), r.out());
        assertTrue(r.out().contains("       PANIC: \"Kernel panic - not syncing: sysrq triggered crash\""), "sys");
        assertTrue(r.out().contains("TITLE: kernel panic: sysrq triggered crash"), "panic");
        // bt unwinds the CPUs without BTF; only the blocked tasks, which need the task table, are a gap.
        String bt = section(r.out(), "BT -A\n", "FOREACH UN BT");
        assertTrue(bt.contains("PID: 1        TASK: ffff888541200000  CPU: 1"), bt);
        assertTrue(r.out().contains("(blocked tasks: .BTF at __start_BTF 0x"), r.out());
        assertTrue(r.out().contains("Kernel panic - not syncing: sysrq triggered crash\n"), "log");
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void aZeroedStackPageFlagsTheTraceThatNeededIt() {
        CliRun r = CliRun.of("bt", "-a", panicStackZeroed.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("PID: 1        TASK: ffff888541200000  CPU: 1    COMMAND: \"init\"\n"
                + "    incomplete: the unwind stopped after 1 frame (return address 0 at 0x"), r.out());
        assertFalse(section(r.out(), "PID: 119", "PID: 1 ").contains("incomplete"), "CPU 0's trace is whole");
        CliRun json = CliRun.of("bt", "-a", "--json", panicStackZeroed.toString());
        assertTrue(json.out().contains("\"incomplete\" : \"the unwind stopped after 1 frame (return address 0 at 0x"), json.out());
    }

    @Test
    void zeroedRegistersInTheNoteFlagThatCpusTraceAndKeepTheOthers() {
        CliRun r = CliRun.of("bt", "-a", panicCpuNoteZeroed.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("CPU: 1    COMMAND: \"init\"\n    incomplete: "), r.out());
        assertFalse(section(r.out(), "PID: 119", "CPU: 1 ").contains("incomplete"), "CPU 0's trace is whole");
    }

    @Test
    void unusablePageTablesAreNamedInEverySectionAndPsIsAnErrorNotAnEmptyList() {
        CliRun ps = CliRun.of("ps", "--json", topPageTableZeroed.toString());
        assertEquals(1, ps.exitCode(), ps.out());
        assertTrue(ps.err().contains(": no task could be read: "), ps.err());
        assertTrue(ps.err().contains("not mapped - no PGD entry"), ps.err());

        CliRun r = CliRun.of("analyze", topPageTableZeroed.toString());
        assertEquals(0, r.exitCode(), r.err());
        String sys = section(r.out(), "CPUS:", "\nPANIC\n");
        assertTrue(sys.contains("TASKS: (unknown: the task list is incomplete: "), sys);
        assertTrue(sys.contains("PID: (unknown: the task running on CPU 1 could not be read (virtual address "), sys);
        assertTrue(r.out().contains("ps: tasks incomplete: "), "ps");
        assertTrue(r.out().contains("PID: ?        TASK: ?  CPU: 0    COMMAND: \"?\"\n    incomplete: "), "bt");
        assertTrue(r.out().contains("Kernel panic - not syncing: sysrq triggered crash\n"), "log");
    }
}
