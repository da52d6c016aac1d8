package io.crashpipe.parsers.dump.elf;

import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Elf64_Ehdr of a core file. Only the fields a vmcore reader needs. */
record Elf64Header(int type, int machine, long phoff, long shoff, int phentsize, int phnum, int shentsize,
        int shnum) {
    static final int SIZE = 64;
    static final int ET_CORE = 4;
    static final int EM_X86_64 = 62;
    static final int EM_AARCH64 = 183;
    static final int PN_XNUM = 0xffff;

    static Elf64Header read(ByteSource src) throws IOException {
        if (src.size() < SIZE) {
            throw new DumpFormatException(src.name(), 0, "a 64-byte ELF header", "a file of " + src.size() + " bytes");
        }
        ByteBuffer b = src.readLE(0, SIZE, "ELF header");
        if (b.getInt(0) != 0x464c457f) {
            throw new DumpFormatException(src.name(), 0, "ELF magic 7f 45 4c 46", String.format("%08x", b.getInt(0)));
        }
        if (b.get(4) != 2) {
            throw new DumpFormatException(src.name(), 4, "ELFCLASS64 (2)", "class " + b.get(4));
        }
        if (b.get(5) != 1) {
            throw new DumpFormatException(src.name(), 5, "little-endian data (1)", "encoding " + b.get(5));
        }
        // QEMU 7.2 writes e_ehsize = 8, so that field is deliberately not checked.
        Elf64Header h = new Elf64Header(
                Short.toUnsignedInt(b.getShort(16)), Short.toUnsignedInt(b.getShort(18)),
                b.getLong(32), b.getLong(40),
                Short.toUnsignedInt(b.getShort(54)), Short.toUnsignedInt(b.getShort(56)),
                Short.toUnsignedInt(b.getShort(58)), Short.toUnsignedInt(b.getShort(60)));
        if (h.type != ET_CORE) {
            throw new DumpFormatException(src.name(), 16, "e_type ET_CORE (4)", "e_type " + h.type);
        }
        // The architectures io.crashpipe.parsers.arch knows; the kernel view picks one from VMCOREINFO.
        if (h.machine != EM_X86_64 && h.machine != EM_AARCH64) {
            throw new DumpFormatException(src.name(), 18, "e_machine EM_X86_64 (62) or EM_AARCH64 (183)",
                    "e_machine " + h.machine);
        }
        if (h.phentsize != ProgramHeader.SIZE) {
            throw new DumpFormatException(src.name(), 54, "e_phentsize " + ProgramHeader.SIZE, "" + h.phentsize);
        }
        return h;
    }
}
