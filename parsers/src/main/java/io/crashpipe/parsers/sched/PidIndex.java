package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kernel.KernelLists;
import io.crashpipe.parsers.kernel.KernelMemory;
import io.crashpipe.parsers.memory.Completeness;
import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The second way to every task: the initial PID namespace's IDR (an XArray of {@code struct pid})
 * and each pid's {@code tasks[PIDTYPE_PID]} hlist, as crash builds its PID table. It reaches
 * tasks that the task lists cannot when a list node's page is missing from the dump. A node or
 * pid whose page is absent for good is recorded in the completeness; one not yet arrived waits.
 */
final class PidIndex {
    /** XArray internal entries are tagged 0b10; values at or below this are retry/zero markers. */
    private static final long XA_INTERNAL_TAG = 2;
    private static final long XA_MARKERS = 4096;
    /** An XArray of 64-slot nodes indexing 32-bit ids is at most 6 levels deep; 12 leaves room. */
    private static final int MAX_DEPTH = 12;
    /** A pid's PIDTYPE_PID list holds one task; more means a corrupt list. */
    private static final int TASKS_PER_PID = 16;

    private final KernelMemory mem;
    private final long nodeSlots;
    private final int slotCount;
    private final long pidTasks;
    private final long pidLinks;
    private final Completeness.Builder gaps;
    /** Nodes walked so far: a damaged slot pointing back at a node would otherwise revisit it 64^depth times. */
    private final Set<Long> nodesSeen = new HashSet<>();

    private PidIndex(KernelMemory mem, Btf btf, Completeness.Builder gaps) {
        this.mem = mem;
        this.gaps = gaps;
        var slots = btf.field("xa_node.slots");
        this.nodeSlots = slots.offset();
        this.slotCount = (int) (slots.size() / 8);
        int pidtypePid = (int) btf.enumValue("pid_type", "PIDTYPE_PID").orElse(0);
        this.pidTasks = btf.field("pid.tasks[" + pidtypePid + "]").offset();
        this.pidLinks = btf.field("task_struct.pid_links[" + pidtypePid + "]").offset();
    }

    /**
     * Task addresses reachable from {@code init_pid_ns}, or none when the kernel lacks the symbol
     * or an IDR; subtrees that could not be read are noted in {@code gaps}.
     */
    static List<Long> tasks(KernelView view, Btf btf, Completeness.Builder gaps) {
        var ns = view.symbol("init_pid_ns");
        if (ns.isEmpty() || btf.findField("pid_namespace.idr.idr_rt.xa_head").isEmpty()) {
            return List.of();
        }
        long head = ns.getAsLong() + btf.field("pid_namespace.idr.idr_rt.xa_head").offset();
        List<Long> out = new ArrayList<>();
        PidIndex index = new PidIndex(view.memory(), btf, gaps);
        gaps.note("pid_index", Fact.read(() -> view.memory().u64(head))).optional()
                .ifPresent(root -> index.walk(root, 0, out));
        return List.copyOf(new LinkedHashSet<>(out)); // a damaged tree can list a pid twice
    }

    private void walk(long entry, int depth, List<Long> out) {
        if (entry == 0) {
            return;
        }
        if ((entry & 3) == XA_INTERNAL_TAG && Long.compareUnsigned(entry, XA_MARKERS) > 0) {
            if (depth == MAX_DEPTH) {
                gaps.unknown("pid_index", "the PID IDR is deeper than " + MAX_DEPTH + " levels (corrupt)");
                return;
            }
            long node = entry - XA_INTERNAL_TAG;
            if (!nodesSeen.add(node)) {
                gaps.unknown("pid_index", "the PID IDR reaches node 0x" + Long.toHexString(node) + " twice (corrupt)");
                return;
            }
            Fact<long[]> slots = gaps.note("pid_index", Fact.read(() -> {
                long[] s = new long[slotCount];
                mem.buffer(node + nodeSlots, slotCount * 8).asLongBuffer().get(s);
                return s;
            }));
            for (long s : slots.orElse(new long[0])) {
                walk(s, depth + 1, out);
            }
            return;
        }
        if ((entry & 3) != 0) {
            return; // a value entry or marker, not a struct pid
        }
        KernelLists.Walk w = KernelLists.hlist(mem, entry + pidTasks, pidLinks, TASKS_PER_PID);
        w.gap().ifPresent(g -> gaps.unknown("pid_index", g));
        out.addAll(w.entries());
    }
}
