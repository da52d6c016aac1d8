package io.crashpipe.parsers.kallsyms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import io.crashpipe.parsers.view.TableFinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kallsyms found by scanning the kernel image, on the real dumps: on 5.10 (no kallsyms keys in
 * VMCOREINFO) against crash's and drgn's ground truth, and on 6.1, 6.12 and 7.2 against the
 * tables VMCOREINFO names.
 */
class KallsymsScanFixtureTest {

    static Path dump510() {
        return Fixtures.dir("5.10-qemu-sysrq").resolve("vmcore.zlib-d31");
    }

    @Test
    void scanFindsKallsymsOn510ReproducingEveryImageSymbolVmcoreinfoNames() throws Exception {
        try (Dump d = Dumps.open(dump510())) {
            KernelView view = KernelView.of(d);
            TableFinding f = view.kallsymsFinding();
            assertEquals(TableFinding.Source.SCAN, f.source(), f.detail());
            Kallsyms k = view.kallsyms();
            ImageSymbols.Agreement a = k.agreement();
            assertTrue(a.differing().isEmpty(), a.toString());
            // Macros VMCOREINFO names like symbols (node_states[N_ONLINE]; init_top_pgt on x86_64): not in kallsyms.
            assertEquals(List.of("node_online_map", "swapper_pg_dir"), a.notInTable(), a.toString());
            assertTrue(a.matched().containsAll(List.of("_stext", "init_uts_ns", "init_top_pgt",
                    "prb", "printk_rb_static", "clear_seq", "vmap_area_list", "node_data")), a.toString());
            assertEquals(AddressEncoding.ABSOLUTE_PERCPU, k.encoding());
            assertTrue(k.layout().markers().isPresent());
            assertEquals(4, k.layout().markers().get().width());
            // 5.10 writes addresses, relative_base and num_syms before the names (the pre-6.4 order).
            assertTrue(k.layout().addresses().address() < k.layout().numSyms());
            assertTrue(k.size() > 50_000, "symbols: " + k.size());
        }
    }

    @Test
    void scanned510SymbolsAgreeWithCrashHelpKAndDisassembly() throws Exception {
        Path truth = Fixtures.dir("5.10-qemu-sysrq").resolve("ground-truth/crash");
        try (Dump d = Dumps.open(dump510())) {
            Kallsyms k = KernelView.of(d).kallsyms();
            String helpK = Files.readString(truth.resolve("help-k.txt"));
            for (String[] pair : new String[][] {{"stext", "_stext"}, {"etext", "_etext"},
                    {"stext_init", "_sinittext"}, {"etext_init", "_einittext"}, {"init_begin", "__init_begin"},
                    {"init_end", "__init_end"}, {"end", "_end"}}) {
                Matcher m = Pattern.compile("(?m)^\\s*" + pair[0] + ": ([0-9a-f]{16})$").matcher(helpK);
                assertTrue(m.find(), pair[0]);
                assertEquals(Long.parseUnsignedLong(m.group(1), 16), k.address(pair[1]).orElseThrow(), pair[1]);
            }
            // Every "0xADDR <name+off>" crash printed in dis -r (panic) and dis sysrq_handle_crash.
            int checked = 0;
            for (String file : new String[] {"dis-r.txt", "dis-fn.txt"}) {
                Matcher m = Pattern.compile("0x([0-9a-f]{16}) <([\\w.]+)(?:\\+(\\d+))?>")
                        .matcher(Files.readString(truth.resolve(file)));
                while (m.find()) {
                    long addr = Long.parseUnsignedLong(m.group(1), 16);
                    SymbolOffset s = k.symbolize(addr).orElseThrow();
                    assertEquals(m.group(2), s.name(), m.group());
                    assertEquals(m.group(3) == null ? 0 : Long.parseLong(m.group(3)), s.offset(), m.group());
                    checked++;
                }
            }
            assertTrue(checked > 100, "addresses checked: " + checked);
            // bt's frame #0, and the idle task of CPU 0 that drgn reports (init_task).
            assertEquals("panic+0x2e9", k.symbolize(0xffffffffa4acb9b2L).orElseThrow().toString().split("/")[0]);
            assertEquals(0xffffffffa5813940L, k.address("init_task").orElseThrow());
        }
    }

    @Test
    void scanned510SymbolSizesGiveTheKernelsOwnCallTrace() throws Exception {
        // The panic's Call Trace as the kernel printed it (drgn.json kernel_call_traces).
        try (Dump d = Dumps.open(dump510())) {
            Kallsyms k = KernelView.of(d).kallsyms();
            for (String frame : new String[] {"dump_stack+0x6b/0x83", "panic+0x114/0x2f1",
                    "sysrq_handle_crash+0x16/0x20", "__handle_sysrq.cold+0x43/0x11a", "write_sysrq_trigger+0x24/0x40",
                    "vfs_write+0xc4/0x270", "do_syscall_64+0x33/0x80", "entry_SYSCALL_64_after_hwframe+0x67/0xd1"}) {
                String name = frame.substring(0, frame.indexOf('+'));
                long off = Long.parseLong(frame.substring(frame.indexOf("0x") + 2, frame.indexOf('/')), 16);
                assertEquals(frame, k.symbolize(k.address(name).getAsLong() + off).orElseThrow().toString());
            }
        }
    }

    @Test
    void btfIsLocatedOn510ThroughTheScannedKallsyms() throws Exception {
        try (Dump d = Dumps.open(dump510())) {
            KernelView view = KernelView.of(d);
            Btf btf = KernelBtf.find(view).orElseThrow();
            assertTrue(btf.typeCount() > 10_000, "types: " + btf.typeCount());
            assertTrue(btf.hasStruct("task_struct"));
            // 5.10's struct uts_namespace has a kref before the name (the sys RELEASE field depends on it).
            assertEquals(4, btf.field("uts_namespace.name").offset());
            TableFinding f = KernelBtf.locate(view);
            assertEquals(TableFinding.Source.SCAN, f.source(), f.detail());
        }
    }

    static Stream<Path> vmcoreinfoKallsymsDumps() {
        return Stream.of("6.1-kdump-sysrq", "6.1-qemu-sysrq", "6.12-qemu-sysrq", "7.2-qemu-sysrq")
                .map(Fixtures::dir).map(dir -> Fixtures.variants(dir).stream()
                        .filter(p -> !p.getFileName().toString().contains("elf")).findFirst().orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vmcoreinfoKallsymsDumps")
    void forcedScanGivesExactlyTheTableVmcoreinfoNames(Path variant) throws Exception {
        try (Dump d = Dumps.open(variant)) {
            KernelView view = KernelView.of(d);
            Kallsyms named = KallsymsReader.read(view.memory(), view.vmcoreinfo());
            Kallsyms scanned = KallsymsScanner.scan(view.memory(), view.vmcoreinfo());
            assertEquals(named.size(), scanned.size());
            for (int i = 0; i < named.size(); i++) {
                assertEquals(named.get(i), scanned.get(i), "symbol " + i);
            }
            KallsymsLayout n = named.layout();
            KallsymsLayout s = scanned.layout();
            assertEquals(view.vmcoreinfo().requireSymbol("kallsyms_names"), s.names());
            assertEquals(view.vmcoreinfo().requireSymbol("kallsyms_num_syms"), s.numSyms());
            assertEquals(view.vmcoreinfo().requireSymbol("kallsyms_token_table"), s.tokenTable());
            assertEquals(view.vmcoreinfo().requireSymbol("kallsyms_token_index"), s.tokenIndex());
            assertEquals(view.vmcoreinfo().requireSymbol("kallsyms_offsets"), s.addresses().address());
            assertEquals(n.addresses(), s.addresses());
            assertEquals(n.markers(), s.markers());
            assertEquals(n.lengths(), s.lengths());
            assertEquals(n.seqsOfNames(), s.seqsOfNames());
            assertTrue(s.seqsOfNames().isPresent(), s.describe());
            assertTrue(scanned.agreement().accepted(), scanned.agreement().toString());
        }
    }
}
