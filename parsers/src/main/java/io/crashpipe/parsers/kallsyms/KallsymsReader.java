package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.WeakHashMap;

/**
 * Decodes kallsyms from the table addresses VMCOREINFO publishes (Linux 6.0 onwards:
 * kallsyms_names, kallsyms_num_syms, kallsyms_token_table, kallsyms_token_index, and
 * kallsyms_offsets [+ kallsyms_relative_base] or kallsyms_addresses). Older kernels go through
 * {@link KallsymsScanner}; both share the table decoders ({@link TokenTable}, {@link NameTable},
 * {@link AddressTable}).
 *
 * <p>The name-length encoding is read from the data: when some count has bit 7 set, the reading
 * (one byte, or the 6.1 two-byte form) is the one that puts {@code kallsyms_markers}, which
 * follow the names, on every 256th entry. The address encoding is the one that gives
 * VMCOREINFO's {@code _stext}.
 */
public final class KallsymsReader {
    private KallsymsReader() {}

    /** True when the note carries the kallsyms tables (Linux 6.0 and later with CONFIG_KALLSYMS). */
    public static boolean available(Vmcoreinfo vi) {
        return vi.symbol("kallsyms_names").isPresent() && vi.symbol("kallsyms_num_syms").isPresent()
                && vi.symbol("kallsyms_token_table").isPresent() && vi.symbol("kallsyms_token_index").isPresent()
                && (vi.symbol("kallsyms_offsets").isPresent() || vi.symbol("kallsyms_addresses").isPresent());
    }

    public static Kallsyms read(VirtualMemory mem, Vmcoreinfo vi) {
        return read(new ImageBytes(mem), vi);
    }

    /**
     * Chunks of the image read by earlier attempts on the same physical memory (weakly keyed by
     * it): a streaming pass that stopped for a page not yet arrived resumes with them instead of
     * reading the tables again. Dropped once the tables decode.
     */
    private static final Map<Object, ImageBytes> EARLIER = Collections.synchronizedMap(new WeakHashMap<>());

    /** As {@link #read(VirtualMemory, Vmcoreinfo)}, keeping what was read for a retry on the same {@code resumeKey}. */
    public static Kallsyms read(VirtualMemory mem, Vmcoreinfo vi, Object resumeKey) {
        ImageBytes img = EARLIER.computeIfAbsent(resumeKey, k -> new ImageBytes(mem));
        Kallsyms k;
        synchronized (img) {
            k = read(img, vi);
        }
        EARLIER.remove(resumeKey);
        return k;
    }

    private static Kallsyms read(ImageBytes img, Vmcoreinfo vi) {
        long numSyms = vi.requireSymbol("kallsyms_num_syms");
        long count = img.u32(numSyms);
        if (count <= 0 || count > NameTable.MAX_SYMBOLS) {
            throw new IllegalStateException("kallsyms_num_syms at 0x" + Long.toHexString(numSyms) + " is " + count
                    + ", expected a symbol count between 1 and " + NameTable.MAX_SYMBOLS);
        }
        int n = (int) count;
        TokenTable tokens = TokenTable.read(img, vi.requireSymbol("kallsyms_token_table"),
                vi.requireSymbol("kallsyms_token_index"));
        long namesAt = vi.requireSymbol("kallsyms_names");
        NameTable names = null;
        Markers markers = null;
        List<NameLengths> readings = NameTable.hasLongCounts(img, namesAt, n)
                ? List.of(NameLengths.ULEB128, NameLengths.ONE_BYTE) : List.of(NameLengths.ONE_BYTE);
        MemoryFault fault = null;
        for (NameLengths lengths : readings) {
            NameTable t;
            try {
                t = NameTable.decode(img, namesAt, n, tokens, lengths);
            } catch (MemoryFault f) {
                ImageBytes.rethrowIfWaiting(f.unavailable());
                fault = f; // the other reading may stay inside the table
                continue;
            }
            if (t == null) {
                continue;
            }
            Markers m = Markers.after(img, namesAt + t.bytes(), t);
            if (names == null || m != null) {
                names = t; // without markers to decide, the first reading that decodes (6.1's) stands
                markers = m;
            }
            if (m != null) {
                break;
            }
        }
        if (names == null && fault != null) {
            throw fault;
        }
        if (names == null) {
            throw new IllegalStateException("kallsyms_names at 0x" + Long.toHexString(namesAt)
                    + " does not decode: an entry spells no type letter and name");
        }
        AddressTable table = addressTable(img, vi, names);
        long[] addresses = table.decode(img, n);
        Optional<SeqsOfNames.Found> seqs = markers == null ? Optional.empty()
                : SeqsOfNames.find(img, names, markers, tokens, table);
        names = SeqsOfNames.attach(names, seqs);
        ImageSymbols.Agreement agreement = ImageSymbols.of(vi).compare(names.names(), addresses);
        KallsymsLayout layout = new KallsymsLayout(numSyms, n, namesAt, names.lengths(), Optional.ofNullable(markers),
                tokens.table(), tokens.index(), table,
                seqs.map(s -> OptionalLong.of(s.address())).orElse(OptionalLong.empty()));
        return new Kallsyms(names.names(), addresses, layout, agreement);
    }

    private static AddressTable addressTable(ImageBytes img, Vmcoreinfo vi, NameTable names) {
        OptionalLong absolute = vi.symbol("kallsyms_addresses");
        if (absolute.isPresent()) {
            return new AddressTable(absolute.getAsLong(), AddressEncoding.ABSOLUTE, OptionalLong.empty());
        }
        long offsets = vi.requireSymbol("kallsyms_offsets");
        OptionalLong base = vi.symbol("kallsyms_relative_base");
        List<AddressEncoding> candidates = base.isPresent()
                ? List.of(AddressEncoding.ABSOLUTE_PERCPU, AddressEncoding.BASE_RELATIVE)
                : List.of(AddressEncoding.PC_RELATIVE);
        int stext = names.indexOf("_stext");
        OptionalLong expected = vi.symbol("_stext");
        for (AddressEncoding e : candidates) {
            AddressTable t = new AddressTable(offsets, e, base);
            if (stext < 0 || expected.isEmpty() || t.addressOf(img, stext, t.base(img)) == expected.getAsLong()) {
                return t;
            }
        }
        throw new IllegalStateException("kallsyms_offsets do not decode to VMCOREINFO's _stext 0x"
                + Long.toHexString(expected.getAsLong()) + " under any known encoding");
    }
}
