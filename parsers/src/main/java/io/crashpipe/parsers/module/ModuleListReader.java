package io.crashpipe.parsers.module;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kernel.KernelLists;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.kernel.ObjectBytes;
import io.crashpipe.parsers.memory.Completeness;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code modules} list, in list order (most recently loaded first, as crash shows it).
 * A module whose {@code struct module} is partly missing is kept with the fields that could be
 * read; a broken link is walked around ({@link KernelLists}).
 */
public final class ModuleListReader {
    private ModuleListReader() {}

    public static List<KernelModule> read(KernelView view, Btf btf) {
        return readList(view, btf).modules();
    }

    public static ModuleList readList(KernelView view, Btf btf) {
        ModuleLayout l = ModuleLayout.of(btf);
        KernelMemory mem = view.memory();
        long head = view.requireSymbol("modules");
        int span = (int) Math.max(Math.max(l.name() + l.nameSize(), l.base() + 8),
                Math.max(l.size() + l.memStride() * 8, l.kallsyms().orElse(0) + 8)) + 8;
        long limit = limit(view);
        KernelLists.Walk walk = KernelLists.listHead(mem, head, l.list(), limit);
        List<KernelModule> out = new ArrayList<>();
        for (long m : walk.entries()) {
            out.add(module(l, m, ObjectBytes.read(mem, m, span)));
        }
        Completeness.Builder gaps = new Completeness.Builder();
        walk.gap().ifPresent(g -> gaps.unknown("modules", g));
        return new ModuleList(List.copyOf(out), gaps.build());
    }

    /**
     * Each module's {@code struct module} lies in its own allocation of at least a page in the
     * module area, so a list longer than that area has pages is corrupt (the walk may have run into
     * foreign memory). The area from VMCOREINFO where it says (arm64), else 2 GiB: the largest
     * module area of the architectures in scope (x86_64 1-1.5 GiB, arm64 2 GiB since 6.2).
     */
    static long limit(KernelView view) {
        var vi = view.vmcoreinfo();
        long page = vi.pageSize().orElse(4096);
        var start = vi.number("MODULES_VADDR");
        var end = vi.number("MODULES_END");
        long area = start.isPresent() && end.isPresent() && Long.compareUnsigned(end.getAsLong(), start.getAsLong()) > 0
                ? end.getAsLong() - start.getAsLong() : 2L << 30;
        return Math.max(1, Math.min(area, 2L << 30) / page);
    }

    private static KernelModule module(ModuleLayout l, long m, ObjectBytes b) {
        Completeness.Builder c = new Completeness.Builder();
        String name = c.note("name", b.cString(l.name(), l.nameSize())).orElse("");
        long kallsyms = l.kallsyms().isPresent() ? c.note("kallsyms", b.u64(l.kallsyms().getAsLong())).orElse(0L) : 0;
        if (!l.memArray()) {
            long base = c.note("base", b.u64(l.base())).orElse(0L);
            long size = c.note("size", b.u32(l.size())).orElse(0L);
            long textSize = c.note("text_size", b.u32(l.textSize())).orElse(0L);
            return new KernelModule(m, name, base, size, base, textSize, kallsyms, c.build());
        }
        Fact<Long> size = Fact.known(0L);
        for (int t : l.memTypes()) {
            Fact<Long> part = b.u32(l.size() + t * l.memStride());
            size = size.flatMap(s -> part.map(p -> s + p));
        }
        long text = c.note("base", b.u64(l.base() + l.memText() * l.memStride())).orElse(0L);
        long textSize = c.note("text_size", b.u32(l.size() + l.memText() * l.memStride())).orElse(0L);
        return new KernelModule(m, name, text, c.note("size", size).orElse(0L), text, textSize, kallsyms, c.build());
    }
}
