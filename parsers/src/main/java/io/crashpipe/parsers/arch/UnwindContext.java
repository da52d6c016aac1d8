package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
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
        return new UnwindContext(memory, kallsyms, new KernelOnly(kallsyms, KernelText.of(kallsyms)), Optional.empty(),
                List.of(), Optional.of("no BTF given, so modules are not read"));
    }

    /**
     * The kernel and, with {@code btf}, its loaded modules: their code named from their own
     * symbol tables with the module's name, their unwind tables read by the architecture. A
     * module list that cannot be read leaves the kernel image alone (a page that has not arrived
     * yet propagates).
     */
    public static UnwindContext of(KernelView view, Optional<Btf> btf) {
        Kallsyms kallsyms = view.kallsyms();
        Symbolizer kernelOnly = new KernelOnly(kallsyms, KernelText.of(kallsyms));
        if (btf.isEmpty()) {
            return new UnwindContext(view.memory(), kallsyms, kernelOnly, btf, List.of(),
                    Optional.of("the kernel has no BTF, so struct module cannot be read"));
        }
        ModuleSymbols symbols;
        try {
            symbols = ModuleSymbols.of(view, btf.get());
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return new UnwindContext(view.memory(), kallsyms, kernelOnly, btf, List.of(),
                    Optional.of("the modules list cannot be read: " + e.getMessage()));
        } catch (IllegalStateException e) { // a layout BTF does not describe, a corrupt list
            return new UnwindContext(view.memory(), kallsyms, kernelOnly, btf, List.of(),
                    Optional.of("the modules list cannot be read: " + e.getMessage()));
        }
        return new UnwindContext(view.memory(), kallsyms, new KernelAndModules(kallsyms, KernelText.of(kallsyms), symbols),
                btf, symbols.modules(), Optional.empty());
    }

    /**
     * The image's code: {@code _stext.._etext} and the init text {@code _sinittext.._einittext}
     * (kallsyms also names data, which a return address never points into).
     */
    private record KernelText(long start, long end, long initStart, long initEnd) {
        static KernelText of(Kallsyms k) {
            long start = k.address("_stext").orElse(k.address("_text").orElse(0));
            long end = k.address("_etext").orElse(0);
            return new KernelText(start, end, k.address("_sinittext").orElse(0), k.address("_einittext").orElse(0));
        }

        boolean contains(long a) {
            return in(a, start, end) || in(a, initStart, initEnd);
        }

        private static boolean in(long a, long lo, long hi) {
            return lo != 0 && Long.compareUnsigned(a, lo) >= 0 && Long.compareUnsigned(a, hi) < 0;
        }
    }

    /** The kernel image's symbols. */
    private record KernelOnly(Kallsyms kallsyms, KernelText text) implements Symbolizer {
        @Override
        public Optional<SymbolOffset> symbolize(long address) {
            return kallsyms.symbolize(address);
        }

        @Override
        public boolean isText(long address) {
            return text.contains(address);
        }
    }

    /** Kernel addresses from kallsyms, module code from the module's own symbols. */
    private record KernelAndModules(Kallsyms kallsyms, KernelText text, ModuleSymbols modules) implements Symbolizer {
        @Override
        public Optional<SymbolOffset> symbolize(long address) {
            Optional<SymbolOffset> s = kallsyms.symbolize(address);
            return s.isPresent() ? s : modules.symbolize(address).map(ModuleSymbol::symbol);
        }

        @Override
        public Optional<String> module(long address) {
            return modules.moduleAt(address).map(KernelModule::name);
        }

        @Override
        public boolean isText(long address) {
            return text.contains(address) || modules.moduleAt(address).isPresent();
        }
    }
}
