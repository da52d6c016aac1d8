package io.crashpipe.parsers.dump.elf;

import java.nio.ByteBuffer;

/** Elf64_Phdr. In a vmcore, PT_LOAD maps physical addresses (p_paddr) to file offsets. */
record ProgramHeader(int type, long offset, long vaddr, long paddr, long filesz, long memsz) {
    static final int SIZE = 56;
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    static ProgramHeader read(ByteBuffer b, int at) {
        return new ProgramHeader(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getLong(at + 32), b.getLong(at + 40));
    }
}
