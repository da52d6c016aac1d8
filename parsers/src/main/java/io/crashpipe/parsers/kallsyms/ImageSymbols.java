package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel-image symbols VMCOREINFO names ({@code _stext}, {@code init_uts_ns},
 * {@code init_top_pgt}, {@code node_online_map}, {@code prb}, {@code clear_seq}, ...): a kallsyms
 * table found by scanning is accepted only when it gives every one of them the same address.
 * Values outside the image are pointers VMCOREINFO publishes under a symbol's name (the
 * {@code mem_section} array, {@code vmemmap}) and are not compared; nor are the kallsyms tables'
 * own labels, which scripts/kallsyms.c keeps out of the table.
 */
public final class ImageSymbols {
    /** The image spans at most KERNEL_IMAGE_SIZE (1 GiB with KASLR) from _stext; arm64 puts _text 64 KiB below it. */
    private static final long BELOW_STEXT = 64L << 20;
    private static final long DEFAULT_IMAGE_SIZE = 1L << 30;

    private final long stext;
    private final long imageSize;
    private final Map<String, Long> expected;

    private ImageSymbols(long stext, long imageSize, Map<String, Long> expected) {
        this.stext = stext;
        this.imageSize = imageSize;
        this.expected = expected;
    }

    /** Fails when VMCOREINFO has no {@code SYMBOL(_stext)}: without it the image cannot be bounded. */
    public static ImageSymbols of(Vmcoreinfo vi) {
        long stext = vi.requireSymbol("_stext");
        long size = vi.number("KERNEL_IMAGE_SIZE").orElse(DEFAULT_IMAGE_SIZE);
        Map<String, Long> expected = new LinkedHashMap<>();
        vi.symbols().forEach((name, value) -> {
            boolean inImage = Long.compareUnsigned(value - (stext - BELOW_STEXT), size + BELOW_STEXT) < 0;
            if (inImage && !name.startsWith("kallsyms_")) {
                expected.put(name, value);
            }
        });
        return new ImageSymbols(stext, size, expected);
    }

    public long stext() {
        return stext;
    }

    /** The symbols a candidate is compared on. */
    public Map<String, Long> expected() {
        return expected;
    }

    /**
     * Where the scan may stop: past the highest image symbol VMCOREINFO names (the kallsyms
     * tables are read-only data, below .data and .bss where those symbols live), and never past
     * the image mapping.
     */
    long scanEnd() {
        long highest = stext;
        for (long v : expected.values()) {
            if (Long.compareUnsigned(v, highest) > 0) {
                highest = v;
            }
        }
        long cap = stext + imageSize;
        return Long.compareUnsigned(highest, stext) > 0 && Long.compareUnsigned(highest, cap) < 0
                ? highest + ImageBytes.CHUNK : cap;
    }

    /**
     * Where a downward scan starts: the lowest image symbol above {@code _stext} that VMCOREINFO
     * names. Those are data ({@code init_top_pgt}, {@code init_uts_ns}, {@code prb}, ...), which
     * the x86_64 and arm64 linker scripts place after the read-only data holding kallsyms, so
     * the tables are usually a few MiB below it rather than 15-25 MiB of text above {@code _stext}.
     */
    long dataFloor() {
        long lowest = scanEnd();
        for (long v : expected.values()) {
            if (Long.compareUnsigned(v, stext) > 0 && Long.compareUnsigned(v, lowest) < 0) {
                lowest = v;
            }
        }
        return lowest & -ImageBytes.CHUNK;
    }

    /** What a candidate table says about the expected symbols. */
    public record Agreement(List<String> matched, List<String> differing, List<String> notInTable) {
        public boolean accepted() {
            return differing.isEmpty() && matched.contains("_stext");
        }

        @Override
        public String toString() {
            return matched.size() + " of VMCOREINFO's image symbols reproduced (" + String.join(", ", matched) + ")"
                    + (differing.isEmpty() ? "" : "; different: " + String.join(", ", differing))
                    + (notInTable.isEmpty() ? "" : "; not in kallsyms: " + String.join(", ", notInTable));
        }
    }

    /** Compares every expected symbol; a name kallsyms holds several times matches when any of them does. */
    Agreement compare(SymbolNames names, long[] addresses) {
        List<String> matched = new ArrayList<>();
        List<String> differing = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            int[] at = names.indexesOf(e.getKey());
            boolean same = false;
            for (int i : at) {
                same |= addresses[i] == e.getValue();
            }
            (at.length == 0 ? absent : same ? matched : differing).add(e.getKey());
        }
        return new Agreement(matched, differing, absent);
    }
}
