package io.crashpipe.parsers.damage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sched.TaskTableReader;
import io.crashpipe.parsers.testing.DamagedDump;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task list whose last link was damaged to lead into foreign memory (a page of 512 chained
 * nodes, as a free-page list would be): the walk stops at the PID index's task count, not at a
 * bound derived from RAM, and keeps only the tasks the PID index knows, so {@code ps} shows the
 * real table and says that the list was damaged.
 */
class DamagedTaskListTest {
    private static final Path FIXTURE = Fixtures.dir("6.1-qemu-sysrq").resolve("vmcore.zlib-d31");

    /** The table's rows as "pid comm address", for comparing. */
    private static List<String> rows(TaskTable t) {
        return t.tasks().stream().map(x -> x.pid() + " " + x.comm() + " " + Long.toHexString(x.address())).toList();
    }

    /** A RAM page the dump filter left out, now holding {@code nodes} list nodes chained 8 bytes apart and looping. */
    static long foreignChain(DamagedDump damaged, Dump d, KernelView view, int nodes) {
        long pfn = 4096;
        while (d.pageState(pfn) != PageState.EXCLUDED) {
            pfn++;
        }
        long vbase = view.directMapBase().orElseThrow() + pfn * d.pageSize();
        ByteBuffer page = ByteBuffer.allocate(d.pageSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < nodes; i++) {
            page.putLong(8 * i, vbase + 8L * ((i + 1) % nodes));
        }
        damaged.patch(pfn * d.pageSize(), page.array());
        return vbase;
    }

    @Test
    void aTaskListLeadingIntoForeignMemoryIsBoundedByThePidIndexAndRepairedFromIt() throws IOException {
        TaskTable intact;
        try (Dump d = Dumps.open(FIXTURE)) {
            KernelView view = KernelView.of(d);
            intact = TaskTableReader.read(view, KernelBtf.require(view));
        }
        try (Dump d = Dumps.open(FIXTURE)) {
            KernelView view = KernelView.of(d);
            Btf btf = KernelBtf.require(view);
            long tasksOff = btf.field("task_struct.tasks").offset();
            long head = view.requireSymbol("init_task") + tasksOff;
            long lastNode = view.memory().u64(head + 8); // list_head.prev: the last leader's node
            DamagedDump damaged = new DamagedDump(d);
            long chain = foreignChain(damaged, d, view, 512);
            damaged.putLong(DamagedDump.paddr(view, lastNode), chain);

            KernelView broken = KernelView.of(damaged);
            TaskTable t = TaskTableReader.read(broken, KernelBtf.require(broken));
            assertEquals(rows(intact), rows(t));
            String why = t.completeness().reason("tasks").orElseThrow();
            int indexed = (int) intact.tasks().stream().filter(x -> x.pid() > 0).count();
            assertTrue(why.startsWith("the list at 0x" + Long.toHexString(head) + " has more than "
                    + (indexed + 64) + " entries"), why);
            assertTrue(why.endsWith("; bounded by the PID index's " + indexed + " tasks, " + (indexed + 64 - countLeaders(intact))
                    + " entries it does not know were left out"), why);
        }
    }

    private static long countLeaders(TaskTable t) {
        return t.tasks().stream().filter(x -> x.pid() > 0 && x.pid() == x.tgid()).count();
    }
}
