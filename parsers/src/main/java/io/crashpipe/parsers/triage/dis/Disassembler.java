package io.crashpipe.parsers.triage.dis;

import java.util.List;

/** Turns x86-64 machine code into instructions; the triage commands never decode bytes themselves. */
public interface Disassembler {

    /**
     * Decodes {@code code} as if loaded at {@code address}; stops where the bytes run out (a
     * trailing partial instruction is left out).
     *
     * @throws DisassemblerException when the disassembler cannot run
     */
    List<Instruction> decode(long address, byte[] code);

    /** The disassembler this machine has: GNU objdump (the same libopcodes gdb and crash use). */
    static Disassembler system() {
        return ObjdumpDisassembler.onPath();
    }
}
