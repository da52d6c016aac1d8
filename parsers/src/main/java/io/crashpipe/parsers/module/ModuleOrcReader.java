package io.crashpipe.parsers.module;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfField;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.orc.OrcFormat;
import io.crashpipe.parsers.orc.OrcTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each module's own ORC table, from x86_64's {@code struct mod_arch_specific} inside
 * {@code struct module} ({@code arch.num_orcs}, {@code arch.orc_unwind_ip}, {@code arch.orc_unwind},
 * set by unwind_module_init(), which also sorts them), with offsets from BTF. A table covers the
 * module's core text and, while the module is still initialising, its init text
 * ({@code mem[MOD_INIT_TEXT]} since 6.4, {@code init_layout} before).
 */
public final class ModuleOrcReader {
    /** More entries than this in one module means a corrupt count (the biggest modules have ~100k). */
    private static final long MAX_ENTRIES = 1 << 22;

    private ModuleOrcReader() {}

    /**
     * Tables of {@code modules} in {@code format} (the kernel's: modules are built by the same
     * objtool). Empty when BTF has no {@code arch.num_orcs} (a kernel without the ORC unwinder).
     * A module whose struct cannot be read is left out; a page that has not arrived yet propagates.
     */
    public static List<OrcTable> read(VirtualMemory memory, Btf btf, List<KernelModule> modules, OrcFormat format) {
        Optional<BtfField> num = btf.findField("module.arch.num_orcs");
        Optional<BtfField> ips = btf.findField("module.arch.orc_unwind_ip");
        Optional<BtfField> entries = btf.findField("module.arch.orc_unwind");
        if (num.isEmpty() || ips.isEmpty() || entries.isEmpty()) {
            return List.of();
        }
        Optional<InitText> init = InitText.of(btf);
        List<OrcTable> out = new ArrayList<>();
        for (KernelModule m : modules) {
            try {
                long count = memory.u32(m.address() + num.get().offset());
                long ip = memory.u64(m.address() + ips.get().offset());
                long orc = memory.u64(m.address() + entries.get().offset());
                if (count == 0 || count > MAX_ENTRIES || ip == 0 || orc == 0) {
                    continue;
                }
                out.add(OrcTable.forModule(m.name(), memory, ip, orc, (int) count, m.textBase(),
                        m.textBase() + m.textSize(), format));
                if (init.isPresent()) {
                    long base = memory.u64(m.address() + init.get().base());
                    long size = memory.u32(m.address() + init.get().size());
                    if (base != 0 && size != 0) {
                        out.add(OrcTable.forModule(m.name(), memory, ip, orc, (int) count, base, base + size, format));
                    }
                }
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
            }
        }
        return out;
    }

    /** Where a module's init text base and size are kept. */
    private record InitText(long base, long size) {
        static Optional<InitText> of(Btf btf) {
            if (btf.hasMember("module", "mem")) {
                var t = btf.enumValue("mod_mem_type", "MOD_INIT_TEXT");
                if (t.isEmpty()) {
                    return Optional.empty();
                }
                BtfField mem0 = btf.field("module.mem[0]");
                long at = mem0.offset() + t.getAsLong() * mem0.size();
                return Optional.of(new InitText(at + btf.field("module_memory.base").offset(),
                        at + btf.field("module_memory.size").offset()));
            }
            return btf.findField("module.init_layout.base").flatMap(b -> btf.findField("module.init_layout.text_size")
                    .map(s -> new InitText(b.offset(), s.offset())));
        }
    }
}
