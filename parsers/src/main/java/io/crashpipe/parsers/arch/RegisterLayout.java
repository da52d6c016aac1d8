package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.Registers;
import java.util.List;

/**
 * An architecture's general registers: their names in the order the kernel saves them (the
 * {@code elf_prstatus.pr_reg} / {@code struct pt_regs} order), which of them are the program
 * counter, stack pointer and frame pointer, and how crash prints a register set. Code outside the
 * architecture's own package reaches registers only through this.
 */
public interface RegisterLayout {

    /** Register names, index = position in {@link Registers#values()}. */
    List<String> names();

    int pcIndex();

    int spIndex();

    int fpIndex();

    /** The register set belongs to a user-mode context (the trace ends there). */
    boolean userMode(Registers regs);

    /** The registers of a CPU note ({@code NT_PRSTATUS} pr_reg words). */
    default Registers fromNote(CpuRegisters note) {
        long[] words = note.regs();
        if (words.length < names().size()) {
            throw new IllegalArgumentException("NT_PRSTATUS note " + note.noteIndex() + " has " + words.length
                    + " register words, expected " + names().size());
        }
        return new Registers(this, java.util.Arrays.copyOf(words, names().size()));
    }

    /**
     * The register block crash prints under a frame ({@code RIP: ... RSP: ...}).
     *
     * @param savedOnStack the set was saved on a stack (pt_regs) rather than taken from a CPU note
     */
    String crashBlock(Registers regs, boolean savedOnStack);

    /**
     * The register block of an exception frame, with the functions its registers point into when
     * the unwinder named them; layouts whose block shows no names print {@link #crashBlock(Registers, boolean)}.
     */
    default String crashBlock(ExceptionFrame frame) {
        return crashBlock(frame.regs(), !frame.fromNote());
    }

    /**
     * crash heads an interrupted kernel context with {@code [exception RIP: function+offset]}
     * (x86_64); arm64's block names pc and lr itself instead.
     */
    default boolean exceptionRipLine() {
        return true;
    }
}
