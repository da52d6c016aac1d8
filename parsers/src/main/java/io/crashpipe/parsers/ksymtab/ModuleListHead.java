package io.crashpipe.parsers.ksymtab;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Finds the kernel's {@code modules} list head when no symbol names it (it is neither exported
 * nor, without CONFIG_KALLSYMS_ALL, in kallsyms). Every loaded module's {@code struct module}
 * lives in memory from {@code module_alloc()}, cache-line aligned: on arm64 either the module
 * region VMCOREINFO names or, with KASLR, a window of up to 2 GiB below the kernel text. The
 * vmalloc areas in those windows (from {@code vmap_area_list} when VMCOREINFO names it, else
 * every mapped page) are searched for one whose BTF-described fields hold together (a known
 * state, a module name, a list entry whose neighbours point back at it); following its list
 * leads, outside the areas, to the head.
 */
public final class ModuleListHead {
    private static final int ALIGN = 64;
    private static final int MAX_MODULES = 65_536;

    private ModuleListHead() {}

    /** A range of kernel virtual addresses [start, end). */
    public record Range(long start, long end) {
        boolean contains(long a) {
            return Long.compareUnsigned(a, start) >= 0 && Long.compareUnsigned(a, end) < 0;
        }
    }

    public static OptionalLong find(VirtualMemory memory, Btf btf, java.util.List<Range> areas) {
        for (Range r : areas) {
            OptionalLong head = find(memory, btf, r, areas);
            if (head.isPresent()) {
                return head;
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong find(VirtualMemory memory, Btf btf, Range area, java.util.List<Range> all) {
        long list = btf.field("module.list").offset();
        long name = btf.field("module.name").offset();
        long nameLen = btf.field("module.name").size();
        long state = btf.field("module.state").offset();
        int page = 4096;
        byte[] b = new byte[page];
        for (long at = area.start(); Long.compareUnsigned(at, area.end()) < 0; at += page) {
            ReadResult r = memory.tryRead(at, b, 0, page);
            if (r instanceof Unavailable u) {
                if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                    throw new MemoryFault(u);
                }
                continue;
            }
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off < page; off += ALIGN) {
                long mod = at + off;
                if (plausible(memory, bb, off, mod, list, name, nameLen, state)) {
                    OptionalLong head = headFrom(memory, mod + list, all);
                    if (head.isPresent()) {
                        return head;
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    private static boolean plausible(VirtualMemory memory, ByteBuffer page, int off, long mod, long list, long name,
            long nameLen, long state) {
        if (off + state + 4 <= page.capacity()) {
            int s = page.getInt((int) (off + state));
            if (s < 0 || s > 3) { // MODULE_STATE_LIVE, COMING, GOING, UNFORMED
                return false;
            }
        }
        try {
            long next = memory.u64(mod + list);
            long prev = memory.u64(mod + list + 8);
            if (next >= 0 || prev >= 0 || memory.u64(next + 8) != mod + list || memory.u64(prev) != mod + list) {
                return false;
            }
            byte[] n = memory.read(mod + name, (int) nameLen);
            int len = 0;
            while (len < n.length && n[len] != 0) {
                int c = n[len];
                if (!(c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    return false;
                }
                len++;
            }
            return len > 0 && len < n.length;
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return false;
        }
    }

    /** Follows the list from a module's entry to the one entry outside module memory. */
    private static OptionalLong headFrom(VirtualMemory memory, long entry, java.util.List<Range> areas) {
        long at = entry;
        for (int i = 0; i < MAX_MODULES; i++) {
            at = memory.u64(at);
            long a = at;
            boolean inModules = areas.stream().anyMatch(r -> r.contains(a));
            if (!inModules) {
                return at < 0 ? OptionalLong.of(at) : OptionalLong.empty();
            }
            if (at == entry) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}
