package io.crashpipe.parsers.kallsyms;

/**
 * How each entry of {@code kallsyms_names} gives its token count. Which one a dump uses is
 * decided from the data ({@link NameTable#decode} checks the result against
 * {@code kallsyms_markers}), never from the kernel release.
 */
public enum NameLengths {
    /** One byte per count (KSYM_NAME_LEN 128: no compressed name reaches 256 tokens). */
    ONE_BYTE,
    /**
     * Linux 6.1 ("kallsyms: support big kernel symbols", for Rust's long names): a count of 128
     * or more is a two-byte ULEB128, the first byte with bit 7 set.
     */
    ULEB128
}
