package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.WeakHashMap;

/**
 * Finds kallsyms in the kernel image when VMCOREINFO does not name its tables (before Linux 6.0).
 *
 * <p>The search is bounded by VMCOREINFO: from {@code _stext} up to the highest image symbol it
 * names, read chunk by chunk, skipping what the dump does not hold. It proceeds from the one
 * pattern every token table has (tokens "0".."9" back to back, see {@link TokenTable#around}) to
 * the token index that follows it, back to {@code kallsyms_markers} (an ascending run from 0),
 * back to {@code kallsyms_names} (the markers must fall exactly on every 256th decoded entry) and
 * {@code kallsyms_num_syms} (right before the names), and finally to the address table, which
 * sits before {@code num_syms} (up to 6.3) or after the token index (6.4+). A candidate is
 * accepted only when it reproduces every image symbol VMCOREINFO names ({@link ImageSymbols}) and
 * its addresses ascend, as scripts/kallsyms.c sorts them.
 */
public final class KallsymsScanner {
    /** How far below the token table the markers (and, in 6.2/6.3, seqs_of_names) may start. */
    private static final long MARKERS_REACH = 32L << 20;
    /** Bytes one entry of kallsyms_names can take: a two-byte count and KSYM_NAME_LEN (512 since 6.1) tokens. */
    private static final int MAX_ENTRY = 2 + 512;
    private static final int MIN_ENTRY = 2;
    private static final byte[] DIGITS = "\u00000\u00001\u00002\u00003\u00004\u00005\u00006\u00007\u00008\u00009\u0000"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final String DIGITS_TEXT = new String(DIGITS, StandardCharsets.ISO_8859_1);

    /**
     * How far earlier scans of the same physical memory got (weakly keyed by it), so that a
     * streaming pass that stopped for a page not yet arrived resumes where the previous one
     * stopped instead of re-reading the whole image: with pages arriving one at a time the scan
     * stays linear in the pages it reads.
     */
    private static final Map<Object, Progress> PROGRESS = Collections.synchronizedMap(new WeakHashMap<>());

    /** Chunks (in scan order) already examined without finding kallsyms, for one image. */
    private static final class Progress {
        final long stext;
        final long end;
        int examined;
        int chunksAbsent;
        int candidates;

        Progress(long stext, long end) {
            this.stext = stext;
            this.end = end;
        }
    }

    private final ImageBytes img;
    private final ImageSymbols symbols;
    private final List<String> rejected = new ArrayList<>();
    private final Progress progress;

    private KallsymsScanner(VirtualMemory memory, ImageSymbols symbols, Progress progress) {
        this.img = new ImageBytes(memory);
        this.symbols = symbols;
        this.progress = progress;
    }

    /**
     * Scans the image of the kernel VMCOREINFO describes. Its kallsyms keys, if any, are not used.
     *
     * @throws KallsymsNotFoundException naming why no table was accepted
     * @throws MemoryFault when a page of the image has not arrived yet (streaming)
     */
    public static Kallsyms scan(VirtualMemory memory, Vmcoreinfo vi) {
        return scan(memory, vi, null);
    }

    /**
     * As {@link #scan(VirtualMemory, Vmcoreinfo)}, resuming the previous scan made with the same
     * {@code resumeKey} (the physical memory behind {@code memory}) if it stopped for a page that
     * had not arrived.
     */
    public static Kallsyms scan(VirtualMemory memory, Vmcoreinfo vi, Object resumeKey) {
        ImageSymbols symbols;
        try {
            symbols = ImageSymbols.of(vi);
        } catch (IllegalStateException e) {
            throw new KallsymsNotFoundException("the image cannot be bounded: " + e.getMessage());
        }
        Progress progress = new Progress(symbols.stext(), symbols.scanEnd());
        if (resumeKey != null) {
            Progress earlier = PROGRESS.get(resumeKey);
            if (earlier != null && earlier.stext == progress.stext && earlier.end == progress.end) {
                progress = earlier;
            } else {
                PROGRESS.put(resumeKey, progress);
            }
        }
        synchronized (progress) {
            return new KallsymsScanner(memory, symbols, progress).run();
        }
    }

    /**
     * Chunks from the first data symbol down to {@code _stext}, where the tables usually are,
     * then the rest of the image up to the highest symbol VMCOREINFO names.
     */
    private Kallsyms run() {
        long start = symbols.stext() & -ImageBytes.CHUNK;
        long floor = symbols.dataFloor();
        long end = symbols.scanEnd();
        int index = 0;
        for (long chunk = floor - ImageBytes.CHUNK; Long.compareUnsigned(chunk, start) >= 0; chunk -= ImageBytes.CHUNK) {
            Kallsyms k = searchChunk(chunk, index++);
            if (k != null) {
                return k;
            }
        }
        for (long chunk = floor; Long.compareUnsigned(chunk, end) < 0; chunk += ImageBytes.CHUNK) {
            Kallsyms k = searchChunk(chunk, index++);
            if (k != null) {
                return k;
            }
        }
        throw new KallsymsNotFoundException(String.format(
                "no kallsyms tables in the kernel image 0x%x-0x%x (%d chunks of 4 KiB not in the dump; %d token-table"
                        + " candidates%s)", start, end, progress.chunksAbsent, progress.candidates,
                rejected.isEmpty() ? "" : ": " + String.join("; ", rejected.subList(0, Math.min(3, rejected.size())))));
    }

    /** The chunk's candidates; a chunk examined to the end without a waited page is not examined again. */
    private Kallsyms searchChunk(long chunk, int index) {
        if (index < progress.examined) {
            return null;
        }
        byte[] b = img.chunkBytes(chunk);
        if (b == null) {
            progress.chunksAbsent++;
            progress.examined++;
            return null;
        }
        // Whole patterns inside the chunk by the JDK's string search (one call instead of a compare per byte),
        // then, in the same ascending order, the few starts whose pattern runs into the next chunk.
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int lastWhole = ImageBytes.CHUNK - DIGITS.length;
        for (int i = text.indexOf(DIGITS_TEXT); i >= 0; i = text.indexOf(DIGITS_TEXT, i + 1)) {
            Kallsyms k = candidate(chunk, i);
            if (k != null) {
                return k;
            }
        }
        for (int i = lastWhole + 1; i < ImageBytes.CHUNK; i++) {
            if (b[i] == 0 && startsDigits(b, i, chunk)) {
                Kallsyms k = candidate(chunk, i);
                if (k != null) {
                    return k;
                }
            }
        }
        progress.examined++;
        return null;
    }

    private Kallsyms candidate(long chunk, int i) {
        progress.candidates++;
        return tryTokenTableAt(chunk + i + 1);
    }

    /** True when {@code "\0" "0\0" ... "9\0"} starts at {@code b[i]} (it may run into the next chunk). */
    private boolean startsDigits(byte[] b, int i, long chunk) {
        if (i + 1 < b.length && b[i + 1] != '0') {
            return false;
        }
        try {
            for (int k = 1; k < DIGITS.length; k++) {
                int v = i + k < b.length ? b[i + k] & 0xff : img.u8(chunk + i + k);
                if (v != DIGITS[k]) {
                    return false;
                }
            }
            return true;
        } catch (MemoryFault f) {
            rethrowIfWaiting(f);
            return false;
        }
    }

    private Kallsyms tryTokenTableAt(long digits) {
        try {
            TokenTable tokens = TokenTable.around(img, digits);
            if (tokens == null) {
                return null;
            }
            Kallsyms k = markersBelow(tokens);
            if (k == null) {
                rejected.add(String.format("token table at 0x%x has no markers and names below it", tokens.table()));
            }
            return k;
        } catch (MemoryFault f) {
            rethrowIfWaiting(f);
            rejected.add(String.format("tables near 0x%x: %s", digits, f.unavailable().describe()));
            return null;
        }
    }

    /** Walks down from the token table to the first place where markers and names fit. */
    private Kallsyms markersBelow(TokenTable tokens) {
        long floor = Math.max(symbols.stext(), tokens.table() - MARKERS_REACH);
        for (long p = (tokens.table() - 4) & -4L; p >= floor; p -= 4) {
            if (img.chunkBytes(p & -ImageBytes.CHUNK) == null) {
                p &= -ImageBytes.CHUNK; // skip the whole absent chunk
                continue;
            }
            for (int width : new int[] {4, 8}) {
                try {
                    if ((p & (width - 1)) != 0 || img.word(p, width) != 0) {
                        continue;
                    }
                    int run = ascendingRun(p, width, tokens.table());
                    for (int m = run; m >= Math.max(2, run - 2); m--) {
                        Kallsyms k = namesBefore(new Markers(p, width, m), tokens);
                        if (k != null) {
                            return k;
                        }
                    }
                } catch (MemoryFault f) {
                    rethrowIfWaiting(f); // a page the dump lacks: not here
                }
            }
        }
        return null;
    }

    /** Entries from {@code p} that could be markers: 0, then steps of 256 plausible entries each. */
    private int ascendingRun(long p, int width, long limit) {
        int n = 1;
        long prev = 0;
        for (long at = p + width; at + width <= limit; at += width) {
            long v = img.word(at, width);
            long step = v - prev;
            if (step < 256L * MIN_ENTRY || step > 256L * MAX_ENTRY) {
                break;
            }
            prev = v;
            n++;
        }
        return n;
    }

    /**
     * The names table that ends just below these markers: its last block starts {@code M[m-1]}
     * bytes in and holds 1 to 256 entries, which bounds where it can start; {@code num_syms}
     * (4 bytes, maybe 4 of padding) sits right before it and must round up to {@code m} blocks.
     */
    private Kallsyms namesBefore(Markers markers, TokenTable tokens) {
        int m = markers.count();
        long last = markers.entry(img, m - 1);
        long high = (markers.address() - last - MIN_ENTRY) & -4L;
        long low = markers.address() - 7 - last - 256L * MAX_ENTRY;
        for (long s = high; s >= low && s > symbols.stext(); s -= 4) {
            try {
                long n = img.u32(s - 4);
                long numSyms = s - 4;
                if (n == 0 && (s & 7) == 0) {
                    n = img.u32(s - 8);
                    numSyms = s - 8;
                }
                if (n <= 256L * (m - 1) || n > 256L * m) {
                    continue;
                }
                Kallsyms k = decodeAt(numSyms, s, (int) n, markers, tokens);
                if (k != null) {
                    return k;
                }
            } catch (MemoryFault f) {
                rethrowIfWaiting(f);
            }
        }
        return null;
    }

    private Kallsyms decodeAt(long numSyms, long namesAt, int n, Markers markers, TokenTable tokens) {
        List<NameLengths> readings = NameTable.hasLongCounts(img, namesAt, n)
                ? List.of(NameLengths.ULEB128, NameLengths.ONE_BYTE) : List.of(NameLengths.ONE_BYTE);
        for (NameLengths lengths : readings) {
            NameTable names;
            try {
                names = NameTable.decode(img, namesAt, n, tokens, lengths);
            } catch (MemoryFault f) {
                rethrowIfWaiting(f);
                continue; // this reading ran off the table; the other may not
            }
            long gap = names == null ? -1 : markers.address() - (namesAt + names.bytes());
            if (names != null && gap >= 0 && gap < 8 && names.agreesWith(markers, img)) {
                Kallsyms k = withAddresses(numSyms, names, markers, tokens);
                if (k != null) {
                    return k;
                }
            }
        }
        return null;
    }

    /** Tries the address table before num_syms (up to 6.3) and after the token index (6.4+). */
    private Kallsyms withAddresses(long numSyms, NameTable names, Markers markers, TokenTable tokens) {
        int n = names.count();
        int stext = names.indexOf("_stext");
        if (stext < 0) {
            rejected.add(String.format("names at 0x%x decode but have no _stext", names.address()));
            return null;
        }
        ImageSymbols.Agreement best = null;
        for (AddressTable table : addressCandidates(numSyms, n, tokens.index())) {
            try {
                if (table.addressOf(img, stext, table.base(img)) != symbols.stext()) {
                    continue;
                }
                long[] addresses = table.decode(img, n);
                Optional<SeqsOfNames.Found> seqs = SeqsOfNames.find(img, names, markers, tokens, table);
                NameTable looked = SeqsOfNames.attach(names, seqs);
                ImageSymbols.Agreement agreement = symbols.compare(looked.names(), addresses);
                if (agreement.accepted() && ascending(addresses)) {
                    KallsymsLayout layout = new KallsymsLayout(numSyms, n, names.address(), names.lengths(),
                            Optional.of(markers), tokens.table(), tokens.index(), table,
                            seqs.map(s -> OptionalLong.of(s.address())).orElse(OptionalLong.empty()));
                    return new Kallsyms(looked.names(), addresses, layout, agreement);
                }
                best = agreement;
            } catch (MemoryFault f) {
                rethrowIfWaiting(f);
            }
        }
        rejected.add(String.format("names at 0x%x: no address table reproduces VMCOREINFO's symbols%s",
                names.address(), best == null ? " (none gives _stext)" : " (" + best + ")"));
        return null;
    }

    /** Address tables the layouts of 4.6 to 7.x would put around these names, most recent first. */
    private static List<AddressTable> addressCandidates(long numSyms, int n, long tokenIndex) {
        List<AddressTable> out = new ArrayList<>();
        long afterIndex = tokenIndex + 2L * TokenTable.TOKENS;
        for (long offsets : new long[] {afterIndex, (afterIndex + 7) & -8L}) {
            out.add(new AddressTable(offsets, AddressEncoding.PC_RELATIVE, OptionalLong.empty()));
            for (long base : new long[] {(offsets + 4L * n + 3) & -4L, (offsets + 4L * n + 7) & -8L}) {
                out.add(new AddressTable(offsets, AddressEncoding.ABSOLUTE_PERCPU, OptionalLong.of(base)));
                out.add(new AddressTable(offsets, AddressEncoding.BASE_RELATIVE, OptionalLong.of(base)));
            }
            out.add(new AddressTable(offsets, AddressEncoding.ABSOLUTE, OptionalLong.empty()));
        }
        long base = numSyms - 8;
        for (long offsets : new long[] {base - 4L * n, base - 4L * n - 4}) {
            out.add(new AddressTable(offsets, AddressEncoding.ABSOLUTE_PERCPU, OptionalLong.of(base)));
            out.add(new AddressTable(offsets, AddressEncoding.BASE_RELATIVE, OptionalLong.of(base)));
        }
        for (long addresses : new long[] {numSyms - 8L * n, numSyms - 8L * n - 4}) {
            out.add(new AddressTable(addresses, AddressEncoding.ABSOLUTE, OptionalLong.empty()));
        }
        return out;
    }

    /** scripts/kallsyms.c sorts symbols by address before writing them. */
    private static boolean ascending(long[] addresses) {
        for (int i = 1; i < addresses.length; i++) {
            if (Long.compareUnsigned(addresses[i - 1], addresses[i]) > 0) {
                return false;
            }
        }
        return true;
    }

    private static void rethrowIfWaiting(MemoryFault f) {
        if (ImageBytes.waiting(f)) {
            throw f;
        }
    }
}
