package io.crashpipe.parsers.printk;

import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DATA;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.DESCS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.FINALIZED;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.INFOS;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.PRB_PTR;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.block;
import static io.crashpipe.parsers.printk.LocklessRingSyntheticTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damaged printk descriptors on the synthetic 4-descriptor ring: what fails the ring's own checks
 * (a data block carrying another id, a block outside the data ring, head and tail further apart
 * than the ring, nothing readable) is left out and named in {@link KernelLog#damage()}, so the
 * log is flagged incomplete instead of silently short or empty.
 */
class LocklessRingDamageTest {
    private static final Vmcoreinfo VI = Vmcoreinfo.parse(LocklessRingSyntheticTest.VMCOREINFO);

    /** Ids 5..8, each with a 24-byte block at ring offset 24 * (id - 5), all in the ring's third wrap. */
    private static SparseMemory ring(long headId, long tailId) {
        SparseMemory m = new SparseMemory();
        m.putLong(PRB_PTR, PRB).putInt(PRB, 2).putLong(PRB + 8, DESCS).putLong(PRB + 16, INFOS)
                .putLong(PRB + 24, headId).putLong(PRB + 32, tailId).putInt(PRB + 48, 7).putLong(PRB + 56, DATA);
        for (long id = 5; id <= 8; id++) {
            long begin = 2 * 128 + 24 * (id - 5);
            String text = "line " + id;
            record(m, id, FINALIZED, begin, begin + 24, 100 + id, id * 1000, text, 6, 1, "", "");
            block(m, 24 * (id - 5), id, text);
        }
        return m;
    }

    @Test
    void anIntactRingHasNoDamage() {
        KernelLog log = KernelLogReader.read(ring(8, 5).asVirtual(), VI);
        assertEquals(List.of("line 5", "line 6", "line 7", "line 8"), log.records().stream().map(LogRecord::textString).toList());
        assertFalse(log.incomplete());
    }

    @Test
    void aDataBlockCarryingAnotherIdIsLeftOutAndNamed() {
        SparseMemory m = ring(8, 5);
        m.putLong(DATA + 24, 99); // id 6's block now claims id 99
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertEquals(List.of("line 5", "line 7", "line 8"), log.records().stream().map(LogRecord::textString).toList());
        assertEquals(List.of("descriptor id 6: its text block at ring offset 24 carries id 99"), log.damage());
        assertTrue(log.incomplete());
    }

    @Test
    void aBlockOutsideTheDataRingIsLeftOutAndNamed() {
        SparseMemory m = ring(8, 5);
        m.putLong(DESCS + 24 * (7 & 3) + 16, 2 * 128 + 48 + 4096); // id 7's next lpos far past the ring
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertEquals(3, log.records().size());
        assertEquals(List.of("descriptor id 7: text block [304, 4400) does not fit the 128-byte data ring"), log.damage());
    }

    @Test
    void headAndTailFurtherApartThanTheRingAreNamed() {
        KernelLog log = KernelLogReader.read(ring(8, 5 - 64).asVirtual(), VI);
        assertTrue(log.damage().getFirst().startsWith("head id 8 and tail id -59 are "), log.damage().toString());
        assertTrue(log.incomplete());
    }

    @Test
    void aRingWithNothingReadableIsFlaggedNotSilentlyEmpty() {
        SparseMemory m = ring(8, 5);
        for (int slot = 0; slot < 4; slot++) {
            m.putLong(DESCS + 24L * slot, 0); // every state_var wiped
        }
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertTrue(log.records().isEmpty());
        assertEquals(List.of("descriptor id 5: its state_var carries id 0", "descriptor id 6: its state_var carries id 0",
                "descriptor id 7: its state_var carries id 0", "descriptor id 8: its state_var carries id 0"), log.damage());
    }

    @Test
    void aRingWhoseDescriptorsAreAllReusableIsFlaggedNotSilentlyEmpty() {
        SparseMemory m = ring(8, 5);
        for (long id = 5; id <= 8; id++) {
            m.putLong(DESCS + 24L * (id & 3), (3L << 62) | id); // desc_reusable, own id: nothing committed
        }
        KernelLog log = KernelLogReader.read(m.asVirtual(), VI);
        assertTrue(log.records().isEmpty());
        assertEquals(List.of("no committed record between tail id 5 and head id 8"), log.damage());
    }
}
