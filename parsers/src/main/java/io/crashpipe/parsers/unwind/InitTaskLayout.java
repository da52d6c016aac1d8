package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Offsets of {@code task_struct.pid} and {@code task_struct.comm} found in the data of
 * {@code init_task} itself, for dumps read without BTF. A stop-gap until BTF gives them:
 *
 * <ul>
 *   <li>comm: where the bytes "swapper/0" followed by NUL are (init_task's name);</li>
 *   <li>pid: init_task's {@code real_parent} and {@code parent} both point at init_task, two
 *       adjacent words; {@code pid, tgid} come just before them, with the 8-byte stack canary in
 *       between on stack-protector kernels (the canary is non-zero, pid and tgid are zero).</li>
 * </ul>
 *
 * Architecture-neutral: both fields are generic {@code task_struct} members, so every
 * architecture's per-CPU current-task reader names its tasks through this.
 */
public record InitTaskLayout(int pidOffset, int commOffset) {
    /** task_struct is below 16 KiB on every x86_64 and arm64 configuration seen; bounds the search. */
    private static final int SEARCH = 16 * 1024;
    private static final byte[] SWAPPER = "swapper/0\0".getBytes(StandardCharsets.US_ASCII);
    public static final int COMM_LEN = 16;

    /**
     * The layout read from {@code init_task} (found through kallsyms); empty when kallsyms lacks
     * it or its page is missing from the dump (a page still to arrive propagates).
     */
    public static Optional<InitTaskLayout> locate(Kallsyms symbols, VirtualMemory memory) {
        OptionalLong init = symbols.address("init_task");
        if (init.isEmpty()) {
            return Optional.empty();
        }
        try {
            return find(memory, init.getAsLong());
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return Optional.empty();
        }
    }

    /**
     * The task at {@code task} running on {@code cpu}, with its pid and comm when {@code layout}
     * is known and the task's page is in the dump; the address alone otherwise.
     */
    public static TaskRef describe(Optional<InitTaskLayout> layout, VirtualMemory memory, int cpu, long task) {
        OptionalInt pid = OptionalInt.empty();
        Optional<String> comm = Optional.empty();
        if (layout.isPresent()) {
            try {
                pid = OptionalInt.of(memory.s32(task + layout.get().pidOffset()));
                comm = Optional.of(memory.cString(task + layout.get().commOffset(), COMM_LEN));
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e); // the task_struct page is missing: what was read
            }
        }
        return new TaskRef(cpu, task, pid, comm);
    }

    public static Optional<InitTaskLayout> find(VirtualMemory memory, long initTask) {
        ByteBuffer b = memory.buffer(initTask, SEARCH);
        int comm = indexOf(b, SWAPPER);
        if (comm < 0) {
            return Optional.empty();
        }
        for (int k = 16; k + 16 <= comm; k += 8) {
            if (b.getLong(k) == initTask && b.getLong(k + 8) == initTask) {
                int pid = b.getLong(k - 8) != 0 ? k - 16 : k - 8;
                if (b.getLong(pid) == 0) {
                    return Optional.of(new InitTaskLayout(pid, comm));
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static int indexOf(ByteBuffer b, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= b.limit(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
