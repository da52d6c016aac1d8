package io.crashpipe.parsers.kallsyms;

/**
 * The names and nm type letters of a kallsyms table, by table index, and the reverse lookup.
 * Either still compressed as the kernel stores them ({@link CompressedNames}: a name is expanded
 * only when asked for) or already decoded ({@link DecodedNames}, for tables built in memory).
 */
sealed interface SymbolNames permits CompressedNames, DecodedNames {

    int size();

    String name(int index);

    /** nm's letter of entry {@code index} (T text, D data, B bss, R rodata, ...). */
    char type(int index);

    /** Table indexes of every entry called {@code name}, ascending; empty when there is none. */
    int[] indexesOf(String name);
}
