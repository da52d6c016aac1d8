package io.crashpipe.parsers.kallsyms;

/** One kallsyms entry: {@code type} is nm's letter (T text, D data, B bss, R rodata, A absolute...). */
public record KernelSymbol(String name, char type, long address) {}
