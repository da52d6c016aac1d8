package io.crashpipe.parsers.ksymtab;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds {@code __ksymtab} in the kernel image without any symbol naming it. The table and its
 * strings ({@code __ksymtab_strings}) are read-only data after the kernel text. The search is
 * anchored on one symbol every kernel exports ({@code init_task}): its NUL-delimited name in the
 * strings, then the entry whose name field points at that string, in each {@link KsymtabLayout}.
 * From the anchor the table is walked both ways while entries decode to identifiers, and the
 * layout with the longest run wins.
 */
public final class KsymtabScanner {
    private static final String ANCHOR = "init_task";
    private static final int BLOCK = 64 * 1024;
    private static final int MAX_NAME = 128;
    private static final int MAX_ENTRIES = 200_000;

    private final VirtualMemory memory;
    private final long from;
    private final long length;

    private KsymtabScanner(VirtualMemory memory, long from, long length) {
        this.memory = memory;
        this.from = from & ~7L;
        this.length = length;
    }

    /** Searches [{@code from}, {@code from + length}), e.g. from the end of kernel text. */
    public static Optional<ExportedSymbols> scan(VirtualMemory memory, long from, long length) {
        return new KsymtabScanner(memory, from, length).scan();
    }

    private Optional<ExportedSymbols> scan() {
        List<Long> anchors = anchorStrings(true);
        if (anchors.isEmpty()) {
            return Optional.empty();
        }
        // The linker script puts __ksymtab before __ksymtab_strings: search up to the string first,
        // and only if that fails, everywhere with every occurrence of the name.
        long last = anchors.get(anchors.size() - 1);
        Optional<ExportedSymbols> near = scanEntries(anchors, from, last + BLOCK - from);
        return near.isPresent() ? near : scanEntries(anchorStrings(false), from, length);
    }

    private Optional<ExportedSymbols> scanEntries(List<Long> anchors, long start, long span) {
        ExportedSymbols best = null;
        byte[] block = new byte[BLOCK + 8];
        for (long at = start & ~7L; at - start < span; at += BLOCK) {
            if (!readable(at, block)) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off < BLOCK; off += 4) {
                long field = at + off;
                long rel = field + b.getInt(off);
                long abs = (off & 7) == 0 ? b.getLong(off) : 0;
                for (long s : anchors) {
                    if (rel == s || abs == s) {
                        ExportedSymbols e = walk(field, rel == s);
                        if (e != null && (best == null || e.size() > best.size())) {
                            best = e;
                        }
                    }
                }
            }
            if (best != null && best.size() > 100) {
                break;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Addresses of "init_task" as a whole NUL-delimited string (those of the first block that has any). */
    private List<Long> anchorStrings(boolean firstBlockOnly) {
        byte[] needle = ("\0" + ANCHOR + "\0").getBytes(StandardCharsets.US_ASCII);
        List<Long> out = new ArrayList<>();
        byte[] block = new byte[BLOCK + needle.length];
        for (long at = from; at - from < length; at += BLOCK) {
            if (!readable(at, block)) {
                continue;
            }
            outer:
            for (int i = 0; i < BLOCK; i++) {
                for (int k = 0; k < needle.length; k++) {
                    if (block[i + k] != needle[k]) {
                        continue outer;
                    }
                }
                out.add(at + i + 1);
            }
            if (firstBlockOnly && !out.isEmpty()) {
                return out;
            }
        }
        return out;
    }

    /** The table around the entry whose name field is at {@code nameField}, in the best layout. */
    private ExportedSymbols walk(long nameField, boolean relative) {
        ExportedSymbols best = null;
        for (KsymtabLayout layout : KsymtabLayout.values()) {
            if (layout.relative() != relative) {
                continue;
            }
            long entry = nameField - layout.nameField();
            Map<String, Long> found = new HashMap<>();
            long first = entry;
            for (long e = entry; found.size() < MAX_ENTRIES; e -= layout.stride()) {
                if (!decode(e, layout, found)) {
                    break;
                }
                first = e;
            }
            for (long e = entry + layout.stride(); found.size() < MAX_ENTRIES; e += layout.stride()) {
                if (!decode(e, layout, found)) {
                    break;
                }
            }
            if (found.containsKey(ANCHOR) && (best == null || found.size() > best.size())) {
                best = new ExportedSymbols(first, layout, found);
            }
        }
        return best;
    }

    private boolean decode(long entry, KsymtabLayout layout, Map<String, Long> out) {
        try {
            long value;
            long name;

            if (layout.relative()) {
                value = entry + memory.s32(entry);
                name = entry + 4 + memory.s32(entry + 4);
            } else {
                value = memory.u64(entry);
                name = memory.u64(entry + 8);
            }
            // Values are not checked: exported per-CPU variables are section offsets on x86_64.
            String n = identifier(name);
            if (n == null) {
                return false;
            }
            out.putIfAbsent(n, value);
            return true;
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return false;
        }
    }

    /** A C identifier of at most {@link #MAX_NAME} bytes, NUL-terminated, or null. */
    private String identifier(long at) {
        byte[] b = new byte[MAX_NAME];
        ReadResult r = memory.tryRead(at, b, 0, b.length);
        if (r instanceof Unavailable u) {
            if (u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
                throw new MemoryFault(u);
            }
            // The name may end before the unreadable page: read it byte by byte.
            int n = 0;
            while (n < b.length && memory.tryRead(at + n, b, n, 1) == ReadResult.OK && b[n] != 0) {
                n++;
            }
            return n > 0 && n < b.length && b[n] == 0 ? checked(b, n) : null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return n > 0 && n < b.length ? checked(b, n) : null;
    }

    private static String checked(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[i];
            boolean ok = c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!ok || (i == 0 && c >= '0' && c <= '9')) {
                return null;
            }
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private boolean readable(long at, byte[] block) {
        ReadResult r = memory.tryRead(at, block, 0, block.length);
        if (r instanceof Unavailable u && u.reason() == Unavailable.Reason.NOT_YET_ARRIVED) {
            throw new MemoryFault(u);
        }
        return r == ReadResult.OK;
    }
}
