package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.module.ModuleSymbol;
import io.crashpipe.parsers.module.ModuleSymbols;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.view.KernelView;
import java.util.List;
import java.util.Optional;

/**
 * What an architecture's unwinder reads: kernel memory, the kernel's own symbol table (for the
 * tables and per-CPU variables it names), the symbolizer that names frames (kernel and module
 * symbols), and, when the kernel has BTF, the loaded modules and the BTF that lays out
 * {@code struct module} (where an architecture keeps a module's unwind tables).
 *
 * @param modulesNote why modules are not known, when they are not (no BTF, list unreadable)
 */
public record UnwindContext(VirtualMemory memory, Kallsyms kallsyms, Symbolizer symbolizer, Optional<Btf> btf,
        List<KernelModule> modules, Optional<String> modulesNote) {

    public UnwindContext {
        modules = List.copyOf(modules);
    }

    /** The kernel image alone: frames named from kallsyms, no module unwind data. */
    public static UnwindContext of(VirtualMemory memory, Kallsyms kallsyms) {
        return new UnwindContext(memory, kallsyms, kallsyms::symbolize, Optional.empty(), List.of(),
                Optional.of("no BTF given, so modules are not read"));
    }

    /**
     * The kernel and, with {@code btf}, its loaded modules: their code named from their own
     * symbol tables with the module's name, their unwind tables read by the architecture. A
     * module list that cannot be read leaves the kernel image alone (a page that has not arrived
     * yet propagates).
     */
    public static UnwindContext of(KernelView view, Optional<Btf> btf) {
        Kallsyms kallsyms = view.kallsyms();
        if (btf.isEmpty()) {
            return new UnwindContext(view.memory(), kallsyms, kallsyms::symbolize, btf, List.of(),
                    Optional.of("the kernel has no BTF, so struct module cannot be read"));
        }
        ModuleSymbols symbols;
        try {
            symbols = ModuleSymbols.of(view, btf.get());
        } catch (MemoryFault e) {
            if (e.unavailable().reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                throw e;
            }
            return new UnwindContext(view.memory(), kallsyms, kallsyms::symbolize, btf, List.of(),
                    Optional.of("the modules list cannot be read: " + e.getMessage()));
        } catch (IllegalStateException e) { // a layout BTF does not describe, a corrupt list
            return new UnwindContext(view.memory(), kallsyms, kallsyms::symbolize, btf, List.of(),
                    Optional.of("the modules list cannot be read: " + e.getMessage()));
        }
        return new UnwindContext(view.memory(), kallsyms, new KernelAndModules(kallsyms, symbols), btf,
                symbols.modules(), Optional.empty());
    }

    /** Kernel addresses from kallsyms, module code from the module's own symbols. */
    private record KernelAndModules(Kallsyms kallsyms, ModuleSymbols modules) implements Symbolizer {
        @Override
        public Optional<SymbolOffset> symbolize(long address) {
            Optional<SymbolOffset> s = kallsyms.symbolize(address);
            return s.isPresent() ? s : modules.symbolize(address).map(ModuleSymbol::symbol);
        }

        @Override
        public Optional<String> module(long address) {
            return modules.moduleAt(address).map(KernelModule::name);
        }
    }
}
