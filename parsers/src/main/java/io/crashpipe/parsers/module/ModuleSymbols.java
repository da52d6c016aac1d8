package io.crashpipe.parsers.module;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Symbolizes addresses in module code from each module's own symbol table
 * ({@code mod->kallsyms}: an array of {@code Elf64_Sym} and its string table), which the
 * kernel keeps for {@code /proc/kallsyms}. Tables are read the first time an address falls in
 * that module. Like the kernel, a symbol's size runs to the next symbol (or the end of text).
 */
public final class ModuleSymbols {
    private static final int ELF64_SYM = 24;
    /** st_info's type nibble: only functions and untyped labels mark code. */
    private static final int STT_NOTYPE = 0;
    private static final int STT_FUNC = 2;
    /** A module's symbol table larger than this is corrupt (the biggest modules have ~50k). */
    private static final long MAX_SYMBOLS = 1 << 20;
    /** KSYM_NAME_LEN is 512 since 6.1; longer names are cut there. */
    private static final int MAX_NAME = 512;
    private static final long PAGE = 4096;

    private final KernelMemory mem;
    private final List<KernelModule> modules;
    private final ModuleLayout layout;
    private final Map<Long, Table> tables = new HashMap<>();

    private record Table(long[] addresses, String[] names) {}

    public ModuleSymbols(KernelMemory mem, List<KernelModule> modules, ModuleLayout layout) {
        this.mem = mem;
        this.modules = modules;
        this.layout = layout;
    }

    /** Symbols of every module on the dump's {@code modules} list. */
    public static ModuleSymbols of(KernelView view, Btf btf) {
        return new ModuleSymbols(view.memory(), ModuleListReader.read(view, btf), ModuleLayout.of(btf));
    }

    public List<KernelModule> modules() {
        return modules;
    }

    /** The module whose text holds {@code addr}. */
    public Optional<KernelModule> moduleAt(long addr) {
        return modules.stream().filter(m -> m.containsText(addr)).findFirst();
    }

    /** {@code name+0xoff/0xsize [module]} for an address in module text; empty elsewhere or unreadable. */
    public synchronized Optional<ModuleSymbol> symbolize(long addr) {
        Optional<KernelModule> mod = moduleAt(addr);
        if (mod.isEmpty() || mod.get().kallsyms() == 0) {
            return Optional.empty();
        }
        KernelModule m = mod.get();
        // A symbol table absent for good leaves the address unnamed; one not yet arrived waits.
        Optional<Table> read = Fact.read(() -> tables.computeIfAbsent(m.address(), k -> table(m))).optional();
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Table t = read.get();
        int i = Arrays.binarySearch(t.addresses(), addr);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return Optional.empty();
        }
        long start = t.addresses()[i];
        long end = i + 1 < t.addresses().length ? t.addresses()[i + 1] : m.textBase() + m.textSize();
        return Optional.of(new ModuleSymbol(new SymbolOffset(t.names()[i], addr - start, end - start), m.name()));
    }

    private Table table(KernelModule m) {
        long ks = m.kallsyms();
        long symtab = mem.u64(ks + layout.symtab());
        long count = mem.u32(ks + layout.numSymtab());
        long strtab = mem.u64(ks + layout.strtab());
        if (count > MAX_SYMBOLS) {
            throw new IllegalStateException("module " + m.name() + " claims " + count + " symbols: corrupt mod_kallsyms");
        }
        ByteBuffer syms = mem.buffer(symtab, (int) count * ELF64_SYM);
        long[] addrs = new long[(int) count];
        String[] names = new String[(int) count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int at = i * ELF64_SYM;
            int type = syms.get(at + 4) & 0x0F;
            long value = syms.getLong(at + 8);
            int nameOff = syms.getInt(at);
            if ((type != STT_FUNC && type != STT_NOTYPE) || nameOff == 0 || !m.containsText(value)) {
                continue;
            }
            addrs[n] = value;
            names[n] = name(strtab + Integer.toUnsignedLong(nameOff));
            n++;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(addrs[a], addrs[b]));
        long[] sortedAddrs = new long[n];
        String[] sortedNames = new String[n];
        for (int i = 0; i < n; i++) {
            sortedAddrs[i] = addrs[order[i]];
            sortedNames[i] = names[order[i]];
        }
        return new Table(sortedAddrs, sortedNames);
    }

    /** A NUL-terminated name read a page at a time, so the end of the string table is never overrun. */
    private String name(long at) {
        StringBuilder sb = new StringBuilder();
        long p = at;
        while (sb.length() < MAX_NAME) {
            int chunk = (int) Math.min(MAX_NAME - sb.length(), PAGE - (p & (PAGE - 1)));
            byte[] b = mem.read(p, chunk);
            for (byte c : b) {
                if (c == 0) {
                    return sb.toString();
                }
                sb.append((char) (c & 0xFF));
            }
            p += chunk;
        }
        return sb.toString();
    }
}
