package io.crashpipe.parsers.kallsyms;

import io.crashpipe.parsers.memory.MemoryFault;

/**
 * {@code kallsyms_markers}: the offset in {@code kallsyms_names} of every 256th symbol. Entries
 * were the pointer size ({@code PTR}, 8 bytes on 64-bit) until Linux 4.20 ("kallsyms: reduce
 * size of kallsyms_markers", .long since), 4 bytes after.
 *
 * @param address where the table starts
 * @param width 4 or 8
 * @param count entries (one per started block of 256 symbols)
 */
public record Markers(long address, int width, int count) {

    long entry(ImageBytes img, int k) {
        return img.word(address + (long) width * k, width);
    }

    long end() {
        return address + (long) width * count;
    }

    /**
     * The table right after a names table ending at {@code namesEnd}, if it is there: the first
     * entry (0) sits at the next 4- or 8-byte boundary and the second is the offset of symbol 256.
     * Used on the VMCOREINFO path, which names no markers, to tell the length encodings apart.
     */
    static Markers after(ImageBytes img, long namesEnd, NameTable names) {
        int count = names.blockOffsets().length;
        for (int align : new int[] {4, 8}) {
            long at = (namesEnd + align - 1) & -align;
            for (int width : new int[] {4, 8}) {
                Markers m = new Markers(at, width, count);
                try {
                    if (m.entry(img, 0) == 0 && (count < 2 || m.entry(img, 1) == names.blockOffsets()[1])
                            && names.agreesWith(m, img)) {
                        return m;
                    }
                } catch (MemoryFault f) {
                    ImageBytes.rethrowIfWaiting(f.unavailable()); // not in the dump: no markers to go by
                }
            }
        }
        return null;
    }
}
