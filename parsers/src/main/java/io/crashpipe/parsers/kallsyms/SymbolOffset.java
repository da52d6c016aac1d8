package io.crashpipe.parsers.kallsyms;

/** An address as the kernel prints it in backtraces: {@code name+0xoff/0xsize}. */
public record SymbolOffset(String name, long offset, long size) {
    @Override
    public String toString() {
        return name + "+0x" + Long.toHexString(offset) + "/0x" + Long.toHexString(size);
    }
}
