package io.crashpipe.parsers.triage.taint;

import io.crashpipe.parsers.kernel.VirtualMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Where {@code tainted_mask} is, read from the code of {@code get_taint()} for kernels whose
 * kallsyms lists text only: the variable is static, but {@code get_taint} is exported
 * (kernel/panic.c) and is nothing but {@code return tainted_mask;}, so its one load names the
 * variable's address. Only those load forms are recognised, not general code:
 * <ul>
 *   <li>x86_64: {@code mov rax, [rip + disp32]} (48 8b 05), after any endbr64 / ftrace NOP;
 *   <li>aarch64: {@code adrp xN, page} then {@code ldr xM, [xN, #imm]} (64-bit, unsigned
 *       offset), around any BTI / PAC hints and the patchable-entry NOPs.
 * </ul>
 */
public final class GetTaintCode {
    /** The prologue hints and NOPs come first; the load is within this many bytes of the symbol. */
    private static final int WINDOW = 32;

    private GetTaintCode() {}

    public static OptionalLong taintedMaskAddress(VirtualMemory memory, String machine, long getTaint) {
        byte[] code = memory.read(getTaint, WINDOW);
        return switch (machine) {
            case "x86_64" -> x86(code, getTaint);
            case "aarch64" -> arm64(code, getTaint);
            default -> OptionalLong.empty();
        };
    }

    static OptionalLong x86(byte[] code, long base) {
        for (int i = 0; i + 7 <= code.length; i++) {
            if ((code[i] & 0xff) == 0x48 && (code[i + 1] & 0xff) == 0x8b && (code[i + 2] & 0xff) == 0x05) {
                int disp = ByteBuffer.wrap(code, i + 3, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                return OptionalLong.of(base + i + 7 + disp);
            }
        }
        return OptionalLong.empty();
    }

    static OptionalLong arm64(byte[] code, long base) {
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        long[] pageOf = new long[32];
        boolean[] set = new boolean[32];
        for (int i = 0; i + 4 <= code.length; i += 4) {
            int insn = b.getInt(i);
            if ((insn & 0x9f000000) == 0x90000000) { // ADRP
                int rd = insn & 31;
                long immlo = (insn >>> 29) & 3;
                long immhi = (insn >>> 5) & 0x7ffff;
                long imm = ((immhi << 2 | immlo) << 43) >> 31; // sign-extend the 21 bits, times 4096
                pageOf[rd] = ((base + i) & ~0xfffL) + imm;
                set[rd] = true;
            } else if ((insn & 0xffc00000) == 0xf9400000) { // LDR Xt, [Xn, #imm12 * 8]
                int rn = (insn >>> 5) & 31;
                if (set[rn]) {
                    return OptionalLong.of(pageOf[rn] + (((insn >>> 10) & 0xfff) << 3));
                }
            }
        }
        return OptionalLong.empty();
    }
}
