package io.crashpipe.parsers.view;

import io.crashpipe.parsers.arch.Architecture;
import io.crashpipe.parsers.arch.Architectures;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kallsyms.KallsymsNotFoundException;
import io.crashpipe.parsers.ksymtab.DataSymbols;
import io.crashpipe.parsers.kallsyms.KallsymsReader;
import io.crashpipe.parsers.kallsyms.KallsymsScanner;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.PhysicalMemory;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.List;
import java.util.OptionalLong;

/**
 * The kernel as seen through a dump without debug symbols: its VMCOREINFO, its virtual memory,
 * the CPU register notes (where backtraces start), and (read on first use) its kallsyms table, from
 * the tables VMCOREINFO names (6.0+) or else found by scanning the kernel image. Symbols are looked
 * up in VMCOREINFO first, then in
 * kallsyms.
 */
public final class KernelView {
    private final Vmcoreinfo vmcoreinfo;
    private final Architecture architecture;
    private final KernelMemory memory;
    /** The kallsyms scan resumes per physical memory (a streaming pass that waited for a page). */
    private final PhysicalMemory physical;
    private final List<CpuRegisters> cpuNotes;
    private Kallsyms kallsyms;
    private TableFinding kallsymsFinding;
    private DataSymbols dataSymbols;
    private Boolean textOnlyKallsyms;
    private final DumpMemo memo = new DumpMemo();

    /** The architecture decided by VMCOREINFO's keys (all the streamed topology has). */
    public KernelView(Vmcoreinfo vmcoreinfo, PhysicalMemory physical) {
        this(vmcoreinfo, physical, Architectures.detect(vmcoreinfo), List.of());
    }

    /**
     * The streamed topology's view: the architecture from VMCOREINFO's keys.
     *
     * @param cpuNotes the register notes, one per CPU in note order (empty when the dump has none)
     */
    public KernelView(Vmcoreinfo vmcoreinfo, PhysicalMemory physical, List<CpuRegisters> cpuNotes) {
        this(vmcoreinfo, physical, Architectures.detect(vmcoreinfo), cpuNotes);
    }

    public KernelView(Vmcoreinfo vmcoreinfo, PhysicalMemory physical, Architecture architecture,
            List<CpuRegisters> cpuNotes) {
        this.vmcoreinfo = vmcoreinfo;
        this.architecture = architecture;
        this.physical = physical;
        this.memory = new KernelMemory(architecture.addressSpace(vmcoreinfo, physical));
        this.cpuNotes = List.copyOf(cpuNotes);
    }

    /** The view of an opened dump; fails with a clear message when the dump has no VMCOREINFO. */
    public static KernelView of(Dump dump) throws DumpFormatException {
        return of(dump, new DumpMemory(dump));
    }

    /** The view of an opened dump, reading its physical memory through {@code physical}. */
    public static KernelView of(Dump dump, PhysicalMemory physical) throws DumpFormatException {
        String text = dump.vmcoreinfo().orElseThrow(() -> new DumpFormatException(dump.name(), 0,
                "a VMCOREINFO note (ELF) or sub-header (kdump)", "none; the kernel view needs it"));
        Vmcoreinfo vi;
        try {
            vi = Vmcoreinfo.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DumpFormatException(dump.name(), 0, "well-formed VMCOREINFO", e.getMessage());
        }
        Optional<String> machine = dump.header().utsname().map(u -> u.machine()).filter(m -> !m.isEmpty());
        return new KernelView(vi, physical, Architectures.detect(vi, machine, OptionalInt.empty()), dump.cpuRegisters());
    }

    public Vmcoreinfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /** What differs per architecture: translation, registers, unwinding. */
    public Architecture architecture() {
        return architecture;
    }

    public KernelMemory memory() {
        return memory;
    }

    /** The CPU register notes, one per CPU in note order; empty when the view was built without them. */
    public List<CpuRegisters> cpuNotes() {
        return cpuNotes;
    }

    /**
     * The dump's other structures built once (BTF, the unwinder, layouts): share this view across
     * sections and passes to build each only once.
     */
    public DumpMemo memo() {
        return memo;
    }

    /** True when kallsyms was found (VMCOREINFO or scan); finds it on first use. */
    public boolean hasKallsyms() {
        return kallsymsFinding().found();
    }

    /** The dump's kallsyms table, found and decoded once; fails saying why it is absent. */
    public synchronized Kallsyms kallsyms() {
        TableFinding f = kallsymsFinding();
        if (kallsyms == null) {
            throw new KallsymsNotFoundException("no kallsyms: " + f.detail());
        }
        return kallsyms;
    }

    /**
     * How kallsyms was found (VMCOREINFO's tables, else a scan of the kernel image) or why it is
     * absent, and how long that took. A page that has not arrived yet propagates and nothing is
     * recorded, so a later pass tries again.
     */
    public synchronized TableFinding kallsymsFinding() {
        if (kallsymsFinding == null) {
            TableFinding.Stopwatch clock = TableFinding.start();
            boolean named = KallsymsReader.available(vmcoreinfo);
            TableFinding.Source source = named ? TableFinding.Source.VMCOREINFO : TableFinding.Source.SCAN;
            String detail;
            try {
                kallsyms = named ? KallsymsReader.read(memory, vmcoreinfo, physical)
                        : KallsymsScanner.scan(memory, vmcoreinfo, physical);
                detail = kallsyms.layout().describe() + "; " + kallsyms.agreement();
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                source = TableFinding.Source.ABSENT;
                detail = (named ? "VMCOREINFO's kallsyms tables" : "the kernel image") + " cannot be read: "
                        + e.unavailable().describe();
            } catch (IllegalStateException e) { // KallsymsNotFoundException, tables that do not decode
                source = TableFinding.Source.ABSENT;
                detail = (named ? "VMCOREINFO's kallsyms tables do not decode: "
                        : "VMCOREINFO names no kallsyms tables (before 6.0) and scanning the image found none: ")
                        + e.getMessage();
            }
            kallsymsFinding = clock.finish("kallsyms", source, detail);
        }
        return kallsymsFinding;
    }

    /**
     * A symbol's address from VMCOREINFO, else from kallsyms when the dump carries it, else, for a
     * kernel whose kallsyms lists text only, from its exports and BTF ({@link DataSymbols}).
     */
    public OptionalLong symbol(String name) {
        OptionalLong v = vmcoreinfo.symbol(name);
        if (v.isPresent() || !hasKallsyms()) {
            return v;
        }
        v = kallsyms().address(name);
        if (v.isPresent()) {
            return v;
        }
        DataSymbols data = dataSymbols();
        return data == null ? v : data.address(name);
    }

    /**
     * kallsyms holds (almost) no data symbols (CONFIG_KALLSYMS_ALL=n), decided once: every symbol
     * that kallsyms lacks asks it, so it must not walk the table each time.
     */
    public synchronized boolean kallsymsListsTextOnly() {
        if (textOnlyKallsyms == null) {
            textOnlyKallsyms = DataSymbols.needed(kallsyms());
        }
        return textOnlyKallsyms;
    }

    /** The fallback for text-only kallsyms, found on first use; null when kallsyms has data symbols. */
    public synchronized DataSymbols dataSymbols() {
        if (dataSymbols == null && kallsymsListsTextOnly()) {
            dataSymbols = DataSymbols.find(memory, vmcoreinfo, kallsyms(), () -> {
                try {
                    return KernelBtf.find(this);
                } catch (DumpFormatException e) {
                    return Optional.empty();
                }
            });
        }
        return dataSymbols;
    }

    public long requireSymbol(String name) {
        OptionalLong v = symbol(name);
        if (v.isEmpty()) {
            throw new MissingVmcoreinfoException("SYMBOL(" + name + ") (not in VMCOREINFO nor in kallsyms)");
        }
        return v.getAsLong();
    }

    /** Start of the direct mapping of all physical memory ({@code page_offset_base}, randomized by KASLR). */
    public OptionalLong directMapBase() {
        OptionalLong sym = symbol("page_offset_base");
        return sym.isPresent() ? OptionalLong.of(memory.u64(sym.getAsLong())) : OptionalLong.empty();
    }
}
