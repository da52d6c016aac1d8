package io.crashpipe.parsers.module;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code modules} list, in list order (most recently loaded first, as crash shows it). */
public final class ModuleListReader {
    /** More modules than this on the list means it is corrupt (a kernel has a few hundred). */
    private static final int MAX_MODULES = 1 << 16;

    private ModuleListReader() {}

    public static List<KernelModule> read(KernelView view, Btf btf) {
        ModuleLayout l = ModuleLayout.of(btf);
        KernelMemory mem = view.memory();
        long head = view.requireSymbol("modules");
        int span = (int) Math.max(Math.max(l.name() + l.nameSize(), l.base() + 8),
                Math.max(l.size() + l.memStride() * 8, l.kallsyms().orElse(0) + 8)) + 8;
        List<KernelModule> out = new ArrayList<>();
        for (long node = mem.u64(head); node != head; node = mem.u64(node)) {
            if (out.size() == MAX_MODULES) {
                throw new IllegalStateException("the modules list has more than " + MAX_MODULES + " entries: corrupt");
            }
            long m = node - l.list();
            ByteBuffer b = mem.buffer(m, span);
            out.add(module(l, m, b));
        }
        return List.copyOf(out);
    }

    private static KernelModule module(ModuleLayout l, long m, ByteBuffer b) {
        byte[] raw = new byte[l.nameSize()];
        b.get((int) l.name(), raw);
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        String name = new String(raw, 0, n, StandardCharsets.UTF_8);
        long kallsyms = l.kallsyms().isPresent() ? b.getLong((int) l.kallsyms().getAsLong()) : 0;
        if (!l.memArray()) {
            long base = b.getLong((int) l.base());
            return new KernelModule(m, name, base, Integer.toUnsignedLong(b.getInt((int) l.size())), base,
                    Integer.toUnsignedLong(b.getInt((int) l.textSize())), kallsyms);
        }
        long size = 0;
        for (int t : l.memTypes()) {
            size += Integer.toUnsignedLong(b.getInt((int) (l.size() + t * l.memStride())));
        }
        long text = b.getLong((int) (l.base() + l.memText() * l.memStride()));
        long textSize = Integer.toUnsignedLong(b.getInt((int) (l.size() + l.memText() * l.memStride())));
        return new KernelModule(m, name, text, size, text, textSize, kallsyms);
    }
}
