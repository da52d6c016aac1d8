package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;

/**
 * The second way to every task: the initial PID namespace's IDR (an XArray of {@code struct pid})
 * and each pid's {@code tasks[PIDTYPE_PID]}, as crash builds its PID table. It reaches tasks that
 * the task lists cannot when a list node's page is missing from the dump.
 */
final class PidIndex {
    /** XArray internal entries are tagged 0b10; values at or below this are retry/zero markers. */
    private static final long XA_INTERNAL_TAG = 2;
    private static final long XA_MARKERS = 4096;
    private static final int MAX_DEPTH = 12;

    private final KernelMemory mem;
    private final long xaHead;
    private final long nodeSlots;
    private final int slotCount;
    private final long pidTasks;
    private final long pidLinks;

    private PidIndex(KernelMemory mem, Btf btf, long xaHead) {
        this.mem = mem;
        this.xaHead = xaHead;
        var slots = btf.field("xa_node.slots");
        this.nodeSlots = slots.offset();
        this.slotCount = (int) (slots.size() / 8);
        int pidtypePid = (int) btf.enumValue("pid_type", "PIDTYPE_PID").orElse(0);
        this.pidTasks = btf.field("pid.tasks[" + pidtypePid + "]").offset();
        this.pidLinks = btf.field("task_struct.pid_links[" + pidtypePid + "]").offset();
    }

    /** Task addresses reachable from {@code init_pid_ns}, or none when the kernel lacks the symbol. */
    static List<Long> tasks(KernelView view, Btf btf) {
        var ns = view.symbol("init_pid_ns");
        if (ns.isEmpty() || btf.findField("pid_namespace.idr.idr_rt.xa_head").isEmpty()) {
            return List.of();
        }
        long head = ns.getAsLong() + btf.field("pid_namespace.idr.idr_rt.xa_head").offset();
        List<Long> out = new ArrayList<>();
        try {
            new PidIndex(view.memory(), btf, head).walk(view.memory().u64(head), 0, out);
        } catch (MemoryFault e) {
            // The root itself is missing: nothing to add.
        }
        return out;
    }

    private void walk(long entry, int depth, List<Long> out) {
        if (entry == 0) {
            return;
        }
        if ((entry & 3) == XA_INTERNAL_TAG && Long.compareUnsigned(entry, XA_MARKERS) > 0) {
            if (depth == MAX_DEPTH) {
                return;
            }
            long node = entry - XA_INTERNAL_TAG;
            long[] slots;
            try {
                var b = mem.buffer(node + nodeSlots, slotCount * 8);
                slots = new long[slotCount];
                b.asLongBuffer().get(slots);
            } catch (MemoryFault e) {
                return; // this subtree's node is not in the dump
            }
            for (long s : slots) {
                walk(s, depth + 1, out);
            }
            return;
        }
        if ((entry & 3) != 0) {
            return; // a value entry or marker, not a struct pid
        }
        try {
            long first = mem.u64(entry + pidTasks);
            if (first != 0) {
                out.add(first - pidLinks);
            }
        } catch (MemoryFault e) {
            // that struct pid is not in the dump
        }
    }
}
