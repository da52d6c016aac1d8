package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Finds vmlinux's {@code .BTF} section by its header when kallsyms cannot bracket it: kernels
 * built without CONFIG_KALLSYMS_ALL (Debian's arm64 kernels, for one) have no data symbols, so
 * neither {@code __start_BTF} nor {@code __stop_BTF}. The section lies in the read-only data after
 * the kernel text, 4-byte aligned, and starts with {@code struct btf_header}: magic 0xEB9F,
 * version 1, a 24-byte (or longer) header, types first and strings right after them. A candidate
 * is accepted only if it parses whole and describes {@code task_struct}.
 */
public final class BtfScan {
    private static final int BLOCK = 64 * 1024;
    private static final long MAX_SECTION = 256L << 20;

    private BtfScan() {}

    /** A BTF found in [{@code from}, {@code from + length}), with where it starts. */
    public record Found(long address, Btf btf) {}

    public static Optional<Found> scan(VirtualMemory memory, long from, long length) {
        byte[] block = new byte[BLOCK];
        for (long at = from & ~3L; at - from < length; at += BLOCK) {
            if (!readable(memory, at, block)) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off + BtfHeader.MIN_LENGTH <= BLOCK; off += 4) {
                if ((b.getInt(off) & 0xffffff) != (BtfHeader.MAGIC | BtfHeader.VERSION << 16)) {
                    continue;
                }
                Optional<Found> f = candidate(memory, at + off, b, off);
                if (f.isPresent()) {
                    return f;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Found> candidate(VirtualMemory memory, long address, ByteBuffer block, int off) {
        int hdrLen = off + 24 <= block.capacity() ? block.getInt(off + 4) : -1;
        int typeOff = off + 24 <= block.capacity() ? block.getInt(off + 8) : -1;
        int typeLen = off + 24 <= block.capacity() ? block.getInt(off + 12) : -1;
        int strOff = off + 24 <= block.capacity() ? block.getInt(off + 16) : -1;
        int strLen = off + 24 <= block.capacity() ? block.getInt(off + 20) : -1;
        if (hdrLen < BtfHeader.MIN_LENGTH || hdrLen > 256 || typeOff != 0 || strOff != typeLen
                || typeLen <= 0 || strLen <= 0 || (long) hdrLen + strOff + strLen > MAX_SECTION) {
            return Optional.empty();
        }
        int size = hdrLen + strOff + strLen;
        try {
            Btf btf = Btf.parse(memory.read(address, size), ".BTF found by its header at 0x" + Long.toHexString(address));
            return btf.hasStruct("task_struct") ? Optional.of(new Found(address, btf)) : Optional.empty();
        } catch (DumpFormatException | RuntimeException e) {
            if (e instanceof MemoryFault m && m.unavailable().reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                throw m;
            }
            return Optional.empty();
        }
    }

    /** Reads a block; pages that are not there are skipped (not waited for: a scan guesses). */
    private static boolean readable(VirtualMemory memory, long at, byte[] block) {
        return !(memory.tryRead(at, block, 0, block.length) instanceof Unavailable);
    }
}
