package io.crashpipe.parsers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** List walks, object reads and the one rule for missing pages, on synthetic memory. */
class KernelListsTest {
    private static final long HEAD = 0x1000;
    /** Nodes one page apart, so that one node's page can be left out. */
    private static final long[] NODES = {0x10000, 0x11000, 0x12000, 0x13000};
    /** The list_head member sits 0x40 into each object. */
    private static final long MEMBER = 0x40;

    /** head <-> n0 <-> n1 <-> n2 <-> n3 <-> head; {@code skip} leaves that node's page out. */
    private static SparseMemory circle(int skip) {
        SparseMemory m = new SparseMemory();
        long[] all = {HEAD, NODES[0], NODES[1], NODES[2], NODES[3]};
        for (int i = 0; i < all.length; i++) {
            if (skip >= 0 && i - 1 == skip) {
                continue;
            }
            m.putLong(all[i], all[(i + 1) % all.length]);
            m.putLong(all[i] + 8, all[(i + all.length - 1) % all.length]);
        }
        return m;
    }

    private static List<Long> objects(long... nodes) {
        return java.util.Arrays.stream(nodes).map(n -> n - MEMBER).boxed().toList();
    }

    @Test
    void aWholeListIsWalkedInOrderAsContainerAddresses() {
        KernelLists.Walk w = KernelLists.listHead(circle(-1).asVirtual(), HEAD, MEMBER, 100);
        assertEquals(objects(NODES), w.entries());
        assertTrue(w.whole());
    }

    @Test
    void aNodeWhosePageIsMissingIsWalkedAroundBackwardsAndNothingIsLost() {
        KernelLists.Walk w = KernelLists.listHead(circle(1).asVirtual(), HEAD, MEMBER, 100);
        assertEquals(objects(NODES), w.entries()); // n1's address is known from n0.next and n2.prev
        assertTrue(w.whole(), w.gap().toString());
    }

    @Test
    void twoMissingNodesLeaveAGapBetweenThemAndSayWhy() {
        SparseMemory m = circle(1);
        SparseMemory broken = new SparseMemory();
        // n2 missing as well: n1 is known from n0.next and n2 from n3.prev, but whether anything lay
        // between n1 and n2 cannot be known.
        for (long a : new long[] {HEAD, NODES[0], NODES[3]}) {
            byte[] b = new byte[16];
            m.tryRead(a, b, 0, 16);
            broken.put(a, b);
        }
        KernelLists.Walk w = KernelLists.listHead(broken.asVirtual(), HEAD, MEMBER, 100);
        assertEquals(objects(NODES), w.entries());
        assertTrue(w.gap().orElseThrow().contains("excluded"), w.gap().toString());
    }

    @Test
    void aCycleThatMissesTheHeadEndsTheWalk() {
        SparseMemory m = circle(-1);
        m.putLong(NODES[2], NODES[0]); // n2.next loops back to n0
        KernelLists.Walk w = KernelLists.listHead(m.asVirtual(), HEAD, MEMBER, 100);
        assertEquals(objects(NODES[0], NODES[1], NODES[2]), w.entries());
        assertTrue(w.gap().orElseThrow().contains("loops back"), w.gap().toString());
    }

    @Test
    void aListLongerThanTheLimitIsCutAndSaysSo() {
        KernelLists.Walk w = KernelLists.listHead(circle(-1).asVirtual(), HEAD, MEMBER, 2);
        assertEquals(2, w.entries().size());
        assertTrue(w.gap().orElseThrow().contains("more than 2"), w.gap().toString());
    }

    @Test
    void anHlistEndsAtNull() {
        SparseMemory m = new SparseMemory().putLong(HEAD, NODES[0]).putLong(NODES[0], NODES[1]).putLong(NODES[1], 0);
        KernelLists.Walk w = KernelLists.hlist(m.asVirtual(), HEAD, MEMBER, 10);
        assertEquals(objects(NODES[0], NODES[1]), w.entries());
        assertTrue(w.whole());
    }

    @Test
    void aPageNotYetArrivedIsNeverAReasonItPropagates() {
        VirtualMemory arriving = (vaddr, dst, off, len) -> vaddr >= NODES[1]
                ? new Unavailable(vaddr, true, vaddr >>> 12, Unavailable.Reason.NOT_YET_ARRIVED, "")
                : circle(-1).asVirtual().tryRead(vaddr, dst, off, len);
        MemoryFault f = assertThrows(MemoryFault.class, () -> KernelLists.listHead(arriving, HEAD, MEMBER, 100));
        assertEquals(NODES[1] >>> 12, f.unavailable().pfn());
        assertThrows(MemoryFault.class, () -> ObjectBytes.read(arriving, NODES[1] - 8, 16));
        assertThrows(MemoryFault.class, () -> Fact.read(() -> arriving.u64(NODES[1])));
    }

    @Test
    void anObjectWithAMissingPageLosesOnlyTheFieldsInIt() {
        SparseMemory m = new SparseMemory().putLong(NODES[0] + 8, 42).put(NODES[0] + 16, "comm\0junk".getBytes());
        ObjectBytes o = ObjectBytes.read(m.asVirtual(), NODES[0], 0x1010); // runs into the next, missing page
        assertEquals(Fact.known(42L), o.u64(8));
        assertEquals(Fact.known("comm"), o.cString(16, 16));
        Fact<Long> lost = o.u64(0x1008);
        assertTrue(lost.why().orElseThrow().contains("pfn 0x11") && lost.why().get().contains("excluded"),
                lost.toString());
        assertTrue(!o.complete() && !o.empty());
    }

    @Test
    void factReadRecordsAPageAbsentForGoodAndALayoutGap() {
        SparseMemory m = new SparseMemory();
        assertTrue(Fact.read(() -> m.asVirtual().u64(0x5000)).why().orElseThrow().contains("excluded"));
        assertEquals(Fact.unknown("no such member"), Fact.read(() -> {
            throw new IllegalStateException("no such member");
        }));
    }
}
