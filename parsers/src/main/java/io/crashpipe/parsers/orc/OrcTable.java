package io.crashpipe.parsers.orc;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel image's ORC tables, read from the dump: {@code .orc_unwind_ip} (sorted s32
 * self-relative code addresses), the parallel {@code .orc_unwind} entries, and the
 * {@code orc_lookup} block index over {@code _stext.._etext}. Only the pieces a lookup needs are
 * read, so an unwind touches a handful of pages.
 *
 * <p>Module ORC tables live in {@code struct module} and need its layout (BTF); they are not read
 * here, so addresses outside the kernel image have no entry.
 */
public final class OrcTable {
    /** The kernel's LOOKUP_BLOCK_ORDER: one orc_lookup slot per 256 bytes of text. */
    private static final int LOOKUP_BLOCK_SHIFT = 8;
    private static final int DETECT_CHUNK = 4096;

    private final VirtualMemory memory;
    private final long ipTable;
    private final long entries;
    private final int count;
    private final long textStart;
    private final long textEnd;
    private final long lookup;
    private final long lookupBlocks;
    private final OrcFormat format;

    private OrcTable(VirtualMemory memory, long ipTable, long entries, int count, long textStart, long textEnd,
            long lookup, long lookupBlocks, OrcFormat format) {
        this.memory = memory;
        this.ipTable = ipTable;
        this.entries = entries;
        this.count = count;
        this.textStart = textStart;
        this.textEnd = textEnd;
        this.lookup = lookup;
        this.lookupBlocks = lookupBlocks;
        this.format = format;
    }

    /**
     * The tables named by kallsyms ({@code __start_orc_unwind_ip}, {@code __stop_orc_unwind_ip},
     * {@code __start_orc_unwind}, optionally {@code orc_lookup} and {@code lookup_num_blocks});
     * empty when the kernel was built without the ORC unwinder.
     */
    public static Optional<OrcTable> locate(Kallsyms symbols, VirtualMemory memory) {
        OptionalLong ipStart = symbols.address("__start_orc_unwind_ip");
        OptionalLong ipStop = symbols.address("__stop_orc_unwind_ip");
        OptionalLong orc = symbols.address("__start_orc_unwind");
        OptionalLong stext = symbols.address("_stext");
        OptionalLong etext = symbols.address("_etext");
        if (ipStart.isEmpty() || ipStop.isEmpty() || orc.isEmpty() || stext.isEmpty() || etext.isEmpty()) {
            return Optional.empty();
        }
        long bytes = ipStop.getAsLong() - ipStart.getAsLong();
        if (bytes <= 0 || bytes % 4 != 0 || bytes / 4 > Integer.MAX_VALUE) {
            throw new IllegalStateException(String.format(
                    "ORC ip table at %#x has %d bytes; expected a positive multiple of 4", ipStart.getAsLong(), bytes));
        }
        int count = (int) (bytes / 4);
        OptionalLong lookup = symbols.address("orc_lookup");
        OptionalLong blocks = symbols.address("lookup_num_blocks");
        long numBlocks = blocks.isPresent() ? memory.u32(blocks.getAsLong()) : 0;
        OrcTable undecoded = new OrcTable(memory, ipStart.getAsLong(), orc.getAsLong(), count, stext.getAsLong(),
                etext.getAsLong(), lookup.orElse(0), lookup.isPresent() ? numBlocks : 0, null);
        OrcFormatDetector detector = new OrcFormatDetector();
        // The 64-bit syscall entry starts with an end-of-stack hint in every ORC kernel.
        OptionalLong entry = symbols.address("entry_SYSCALL_64");
        if (entry.isPresent()) {
            int i = undecoded.indexOf(entry.getAsLong(), true);
            if (i >= 0 && undecoded.ipAt(i) == entry.getAsLong()) {
                detector.acceptEndMarker(undecoded.flagsAt(i));
            }
        }
        return Optional.of(undecoded.withFormat(detect(memory, orc.getAsLong(), count, detector)));
    }

    private OrcTable withFormat(OrcFormat f) {
        return new OrcTable(memory, ipTable, entries, count, textStart, textEnd, lookup, lookupBlocks, f);
    }

    private static OrcFormat detect(VirtualMemory memory, long entries, int count, OrcFormatDetector detector) {
        for (int i = 0; i < count && !detector.settled(); i += DETECT_CHUNK) {
            int n = Math.min(DETECT_CHUNK, count - i);
            ByteBuffer b = memory.buffer(entries + (long) i * OrcEntry.SIZE, n * OrcEntry.SIZE);
            for (int k = 0; k < n; k++) {
                detector.accept(b.getShort(k * OrcEntry.SIZE + 4) & 0xffff);
            }
        }
        return detector.format();
    }

    public OrcFormat format() {
        return format;
    }

    public int size() {
        return count;
    }

    /** The entry covering {@code ip}: the last table address at or below it. Empty outside kernel text. */
    public Optional<OrcEntry> find(long ip) {
        return find(ip, true);
    }

    /** As {@link #find(long)}, optionally without the orc_lookup index (a whole-table binary search). */
    Optional<OrcEntry> find(long ip, boolean useIndex) {
        int i = indexOf(ip, useIndex);
        return i < 0 ? Optional.empty() : Optional.of(entry(i));
    }

    private int indexOf(long ip, boolean useIndex) {
        if (Long.compareUnsigned(ip, textStart) < 0 || Long.compareUnsigned(ip, textEnd) >= 0) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        long block = (ip - textStart) >>> LOOKUP_BLOCK_SHIFT;
        if (useIndex && lookupBlocks > 0 && block + 1 < lookupBlocks) {
            ByteBuffer b = memory.buffer(lookup + block * 4, 8);
            lo = b.getInt(0);
            // The kernel searches orc_lookup[block] .. orc_lookup[block + 1] inclusive.
            hi = Math.min(count - 1, b.getInt(4));
        }
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(ipAt(mid), ip) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private long ipAt(int i) {
        long at = ipTable + 4L * i;
        return at + memory.s32(at);
    }

    private OrcEntry entry(int i) {
        ByteBuffer b = memory.buffer(entries + (long) i * OrcEntry.SIZE, OrcEntry.SIZE);
        return format.decode(b.getShort(0), b.getShort(2), b.getShort(4) & 0xffff);
    }

    private int flagsAt(int i) {
        return memory.u16(entries + (long) i * OrcEntry.SIZE + 4);
    }
}
