package io.crashpipe.parsers.orc;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One ORC table read from the dump, the kernel image's or a module's: {@code .orc_unwind_ip}
 * (sorted s32 self-relative code addresses), the parallel {@code .orc_unwind} entries, and for
 * the kernel image the {@code orc_lookup} block index over {@code _stext.._etext}. Only the
 * pieces a lookup needs are read, so an unwind touches a handful of pages.
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
    private final String owner;

    private OrcTable(String owner, VirtualMemory memory, long ipTable, long entries, int count, long textStart,
            long textEnd, long lookup, long lookupBlocks, OrcFormat format) {
        this.owner = owner;
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
        OrcTable undecoded = new OrcTable("vmlinux", memory, ipStart.getAsLong(), orc.getAsLong(), count,
                stext.getAsLong(), etext.getAsLong(), lookup.orElse(0), lookup.isPresent() ? numBlocks : 0, null);
        OrcFormatDetector detector = new OrcFormatDetector();
        header(symbols, memory).ifPresent(detector::acceptHeader);
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

    /**
     * A module's table ({@code struct module.arch}: {@code orc_unwind_ip}, {@code orc_unwind},
     * {@code num_orcs}) covering the module text {@code [textStart, textEnd)}. Its format is the
     * kernel's: modules are built with the kernel's objtool.
     */
    public static OrcTable forModule(String name, VirtualMemory memory, long ipTable, long entries, int count,
            long textStart, long textEnd, OrcFormat format) {
        if (count <= 0) {
            throw new IllegalArgumentException("module " + name + " has " + count + " ORC entries");
        }
        return new OrcTable(name, memory, ipTable, entries, count, textStart, textEnd, 0, 0, format);
    }

    /** The kernel image's .orc_header (6.4+, 6.3.10+), when kallsyms names it. */
    private static Optional<OrcHeader> header(Kallsyms symbols, VirtualMemory memory) {
        OptionalLong start = symbols.address("__start_orc_header");
        OptionalLong stop = symbols.address("__stop_orc_header");
        if (start.isEmpty() || stop.isEmpty() || stop.getAsLong() - start.getAsLong() != OrcHeader.SIZE) {
            return Optional.empty();
        }
        return Optional.of(new OrcHeader(memory.read(start.getAsLong(), OrcHeader.SIZE)));
    }

    private OrcTable withFormat(OrcFormat f) {
        return new OrcTable(owner, memory, ipTable, entries, count, textStart, textEnd, lookup, lookupBlocks, f);
    }

    /** "vmlinux" or the module's name. */
    public String owner() {
        return owner;
    }

    /** Whether {@code ip} is in the text this table describes. */
    public boolean covers(long ip) {
        return Long.compareUnsigned(ip, textStart) >= 0 && Long.compareUnsigned(ip, textEnd) < 0;
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
        if (!covers(ip)) {
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
