package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.ElfNote;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.module.ModuleListReader;
import io.crashpipe.parsers.sched.TaskTableReader;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The damaged-dump corpus the project keeps, as code: each case damages the 6.1 QEMU fixture's
 * kernel memory, register notes or VMCOREINFO in one detectable way (the containers stay intact),
 * and {@link #build} writes it as a small kdump file. Nothing binary is committed; a case is added
 * here, and every test that runs the commands over the corpus picks it up.
 */
public final class DamagedCorpus {
    private DamagedCorpus() {}

    /** The fixture every case starts from (2 CPUs; CPU 1 panicked in PID 1, CPU 0 runs PID 119). */
    public static Path fixture() {
        return Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
    }

    /** One kind of damage, applied to a copy of the fixture. */
    public interface Damage {
        void apply(DamagedDump damaged, KernelView view, Dump intact) throws IOException;
    }

    /** PRSTATUS: pr_reg (27 x86_64 registers) starts at byte 112 of the descriptor; RIP is word 16, RSP word 19. */
    private static final int PR_REG = 112;
    private static final int RIP = 16;
    private static final int RSP = 19;

    private static final Map<String, Damage> CASES = new LinkedHashMap<>();

    static {
        CASES.put("comm-escapes", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long task = TaskTableReader.read(view, btf).byPid(1).orElseThrow().address();
            long comm = task + btf.field("task_struct.comm").offset();
            dd.patch(DamagedDump.paddr(view, comm), "\u001b]0;pwn\u0007\u001b[2J\0".getBytes(StandardCharsets.ISO_8859_1));
        });
        CASES.put("nodename-escapes", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long nodename = view.requireSymbol("init_uts_ns") + btf.field("uts_namespace.name.nodename").offset();
            dd.patch(DamagedDump.paddr(view, nodename), "vm\u001b[31mRED\u009b2J\0".getBytes(StandardCharsets.ISO_8859_1));
        });
        CASES.put("module-name-escapes", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long mod = ModuleListReader.read(view, btf).getFirst().address();
            long name = mod + btf.field("module.name").offset();
            dd.patch(DamagedDump.paddr(view, name), "qemu\u001b[8m_fw\0".getBytes(StandardCharsets.ISO_8859_1));
        });
        CASES.put("printk-descs-wiped", (dd, view, d) -> {
            long headDesc = descriptor(view, 0);
            dd.patch(DamagedDump.paddr(view, headDesc) & ~4095L, new byte[4096]);
        });
        CASES.put("printk-record-lpos-damaged", (dd, view, d) -> {
            // A record in the middle whose text block lies beyond its own end: it fails its check.
            Vmcoreinfo vi = view.vmcoreinfo();
            long desc = descriptor(view, 40);
            long lpos = desc + vi.requireOffset("prb_desc", "text_blk_lpos");
            long begin = view.memory().u64(lpos + vi.requireOffset("prb_data_blk_lpos", "begin"));
            dd.putLong(DamagedDump.paddr(view, lpos + vi.requireOffset("prb_data_blk_lpos", "begin")), begin + (1L << 40));
        });
        CASES.put("printk-text-page-zeroed", (dd, view, d) -> {
            // A page of the text ring in the middle of the log: its records' block ids no longer match.
            Vmcoreinfo vi = view.vmcoreinfo();
            long desc = descriptor(view, 60);
            long lpos = desc + vi.requireOffset("prb_desc", "text_blk_lpos");
            long begin = view.memory().u64(lpos + vi.requireOffset("prb_data_blk_lpos", "begin"));
            long prb = view.memory().u64(vi.requireSymbol("prb"));
            long textRing = prb + vi.requireOffset("printk_ringbuffer", "text_data_ring");
            int sizeBits = (int) view.memory().u32(textRing + vi.requireOffset("prb_data_ring", "size_bits"));
            long data = view.memory().u64(textRing + vi.requireOffset("prb_data_ring", "data"));
            long block = data + (begin & ((1L << sizeBits) - 1));
            dd.patch(DamagedDump.paddr(view, block) & ~4095L, new byte[4096]);
        });
        CASES.put("printk-prb-null", (dd, view, d) -> dd.putLong(DamagedDump.paddr(view,
                view.vmcoreinfo().requireSymbol("prb")), 0));
        CASES.put("btf-magic", (dd, view, d) -> {
            long btf = view.kallsyms().address("__start_BTF").orElseThrow();
            dd.patch(DamagedDump.paddr(view, btf), new byte[] {0, 0});
        });
        CASES.put("orc-unwind-zeroed", (dd, view, d) -> zero(dd, view,
                view.requireSymbol("__start_orc_unwind"), view.requireSymbol("__stop_orc_unwind")));
        CASES.put("orc-ip-garbage", (dd, view, d) -> fill(dd, view,
                view.requireSymbol("__start_orc_unwind_ip"), view.requireSymbol("__stop_orc_unwind_ip"), (byte) 0x5a));
        CASES.put("panic-stack-zeroed", (dd, view, d) -> {
            long page = DamagedDump.paddr(view, d.cpuRegisters().get(1).rsp()) & ~4095L;
            dd.patch(page, new byte[4096]);
        });
        CASES.put("cpu0-stack-garbage", (dd, view, d) -> {
            long sp = d.cpuRegisters().get(0).rsp();
            byte[] junk = new byte[4096 - (int) (sp & 4095)];
            new java.util.Random(15).nextBytes(junk);
            dd.patch(DamagedDump.paddr(view, sp), junk);
        });
        CASES.put("cpu1-registers-zeroed", (dd, view, d) -> dd.notes(prstatus(d, 1, regs -> {
            Arrays.fill(regs, 0L);
            return regs;
        })));
        CASES.put("cpu1-rip-outside-text", (dd, view, d) -> dd.notes(prstatus(d, 1, regs -> {
            regs[RIP] = 0xffffffff00001234L;
            return regs;
        })));
        CASES.put("cpu0-rsp-unmapped", (dd, view, d) -> dd.notes(prstatus(d, 0, regs -> {
            regs[RSP] = 0xffffc90000000000L + 0x7ff0000000L;
            return regs;
        })));
        CASES.put("top-page-table-zeroed", (dd, view, d) -> dd.patch(DamagedDump.paddr(view,
                view.requireSymbol("init_top_pgt")), new byte[4096]));
        CASES.put("direct-map-pgd-outside-ram", (dd, view, d) -> {
            // The top-level entry of the direct map points to a table far beyond the end of RAM.
            long base = view.directMapBase().orElseThrow();
            long entry = view.requireSymbol("init_top_pgt") + ((base >>> 39) & 511) * 8;
            dd.putLong(DamagedDump.paddr(view, entry), 0x0000_00ff_ffff_f000L | 0x63);
        });
        CASES.put("task-list-cycle", (dd, view, d) -> {
            // The fourth leader's next link leads back to the second: a cycle that skips the rest.
            Btf btf = KernelBtf.require(view);
            long tasksOff = btf.field("task_struct.tasks").offset();
            List<Long> nodes = listNodes(view, view.requireSymbol("init_task") + tasksOff, 5);
            dd.putLong(DamagedDump.paddr(view, nodes.get(3)), nodes.get(1));
        });
        CASES.put("task-list-null-link", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long tasksOff = btf.field("task_struct.tasks").offset();
            List<Long> nodes = listNodes(view, view.requireSymbol("init_task") + tasksOff, 10);
            dd.putLong(DamagedDump.paddr(view, nodes.get(9)), 0);
            dd.putLong(DamagedDump.paddr(view, nodes.get(9) + 8), 0);
        });
        CASES.put("pid-index-cycle", (dd, view, d) -> {
            // The IDR's root node: every slot points back at the node itself.
            Btf btf = KernelBtf.require(view);
            long head = view.requireSymbol("init_pid_ns") + btf.field("pid_namespace.idr.idr_rt.xa_head").offset();
            long root = view.memory().u64(head);
            long slots = (root - 2) + btf.field("xa_node.slots").offset();
            for (int i = 0; i < 8; i++) {
                dd.putLong(DamagedDump.paddr(view, slots + 8L * i), root);
            }
        });
        CASES.put("module-list-loop", (dd, view, d) -> {
            Btf btf = KernelBtf.require(view);
            long mod = ModuleListReader.read(view, btf).getFirst().address();
            long node = mod + btf.field("module.list").offset();
            dd.putLong(DamagedDump.paddr(view, node), node);
        });
        CASES.put("vmcoreinfo-pagesize-abcd", (dd, view, d) -> dd.vmcoreinfo(replace(d, "PAGESIZE=", "abcd")));
        CASES.put("vmcoreinfo-pagesize-absurd", (dd, view, d) -> dd.vmcoreinfo(replace(d, "PAGESIZE=", "-4096")));
        CASES.put("vmcoreinfo-printk-info-size-0", (dd, view, d) -> dd.vmcoreinfo(replace(d, "SIZE(printk_info)=", "0")));
        CASES.put("vmcoreinfo-text-len-offset-wrong", (dd, view, d) ->
                dd.vmcoreinfo(replace(d, "OFFSET(printk_info.text_len)=", "4000")));
    }

    /** Every case's name, in a stable order. */
    public static List<String> names() {
        return List.copyOf(CASES.keySet());
    }

    /** Builds case {@code name} into {@code dir} (once: an existing file is reused) and returns its path. */
    public static synchronized Path build(String name, Path dir) throws IOException {
        Damage damage = CASES.get(name);
        if (damage == null) {
            throw new IllegalArgumentException("no damaged-dump case " + name);
        }
        Path out = dir.resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        try (Dump d = Dumps.open(fixture())) {
            DamagedDump damaged = new DamagedDump(d);
            damage.apply(damaged, KernelView.of(d), d);
            Path tmp = dir.resolve(name + ".part");
            damaged.write(tmp);
            Files.move(tmp, out);
            return out;
        }
    }

    private static Path dir;

    /** The corpus folder of this test JVM (built lazily, case by case; deleted when the JVM exits). */
    public static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("crashpipe-damaged-");
            Path d = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(d)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(d);
                } catch (IOException e) {
                    // a temporary folder left behind is no reason to fail the run
                }
            }));
        }
        return dir;
    }

    /** The descriptor {@code back} entries before the ring's head. */
    private static long descriptor(KernelView view, int back) throws IOException {
        Vmcoreinfo vi = view.vmcoreinfo();
        long prb = view.memory().u64(vi.requireSymbol("prb"));
        long descRing = prb + vi.requireOffset("printk_ringbuffer", "desc_ring");
        int countBits = (int) view.memory().u32(descRing + vi.requireOffset("prb_desc_ring", "count_bits"));
        long descs = view.memory().u64(descRing + vi.requireOffset("prb_desc_ring", "descs"));
        long head = view.memory().u64(descRing + vi.requireOffset("prb_desc_ring", "head_id"));
        return descs + ((head - back) & ((1L << countBits) - 1)) * vi.requireSize("prb_desc");
    }

    /** The first {@code n} nodes after {@code head} of a list_head. */
    private static List<Long> listNodes(KernelView view, long head, int n) throws IOException {
        List<Long> out = new ArrayList<>();
        long node = view.memory().u64(head);
        while (out.size() < n && node != head) {
            out.add(node);
            node = view.memory().u64(node);
        }
        return out;
    }

    private static void zero(DamagedDump dd, KernelView view, long from, long to) {
        fill(dd, view, from, to, (byte) 0);
    }

    /** Fills kernel virtual {@code [from, to)} with {@code value}, page piece by page piece. */
    private static void fill(DamagedDump dd, KernelView view, long from, long to, byte value) {
        for (long a = from; a < to; ) {
            long end = Math.min(to, (a | 4095) + 1);
            byte[] b = new byte[(int) (end - a)];
            Arrays.fill(b, value);
            dd.patch(DamagedDump.paddr(view, a), b);
            a = end;
        }
    }

    /** The notes with CPU {@code cpu}'s PRSTATUS registers rewritten. */
    private static List<ElfNote> prstatus(Dump d, int cpu, UnaryOperator<long[]> change) {
        List<ElfNote> notes = new ArrayList<>();
        int seen = 0;
        for (ElfNote n : d.notes()) {
            if (n.isPrstatus() && seen++ == cpu) {
                byte[] desc = n.desc().clone();
                var buf = java.nio.ByteBuffer.wrap(desc).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                long[] regs = new long[27];
                for (int i = 0; i < regs.length; i++) {
                    regs[i] = buf.getLong(PR_REG + 8 * i);
                }
                regs = change.apply(regs);
                for (int i = 0; i < regs.length; i++) {
                    buf.putLong(PR_REG + 8 * i, regs[i]);
                }
                n = new ElfNote(n.name(), n.type(), desc, n.fileOffset());
            }
            notes.add(n);
        }
        return notes;
    }

    /** VMCOREINFO with the value of the line starting {@code key} replaced. */
    private static String replace(Dump d, String key, String value) {
        String vi = d.vmcoreinfo().orElseThrow();
        StringBuilder out = new StringBuilder();
        for (String line : vi.split("\n", -1)) {
            out.append(line.startsWith(key) ? key + value : line).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }
}
