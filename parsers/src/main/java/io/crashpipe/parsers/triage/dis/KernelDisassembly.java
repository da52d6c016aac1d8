package io.crashpipe.parsers.triage.dis;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.unwind.Symbolizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What crash's {@code dis} shows of kernel text, found without debug information: a function
 * spans from its symbol to the next symbol (crash's own fallback when gdb knows no range), less
 * the int3/NOP padding the compiler puts between functions. Symbols are kallsyms' in the image
 * and each module's own table in module text (a faulting lkdtm_EXCEPTION, say).
 */
public final class KernelDisassembly {
    /** Longest x86 instruction. */
    private static final int MAX_INSN = 15;
    /** Functions larger than this are cut (a bad symbol table, not a real function). */
    private static final int MAX_FUNCTION = 1 << 20;

    private final VirtualMemory memory;
    private final Symbolizer symbols;
    private final Disassembler disassembler;

    public KernelDisassembly(VirtualMemory memory, Symbolizer symbols, Disassembler disassembler) {
        this.memory = memory;
        this.symbols = symbols;
        this.disassembler = disassembler;
    }

    /** The whole function containing {@code address} ({@code dis SYMBOL}). */
    public List<Instruction> function(long address) {
        SymbolOffset s = containing(address);
        long start = address - s.offset();
        return trimPadding(decode(start, functionSize(s)));
    }

    /** From the start of the function containing {@code address} up to and including it ({@code dis -r}). */
    public List<Instruction> upTo(long address) {
        SymbolOffset s = containing(address);
        long start = address - s.offset();
        List<Instruction> out = new ArrayList<>();
        for (Instruction i : decode(start, (int) s.offset() + MAX_INSN)) {
            if (Long.compareUnsigned(i.address(), address) > 0) {
                break;
            }
            out.add(i);
        }
        if (out.isEmpty() || out.get(out.size() - 1).address() != address) {
            throw new DisassemblerException("0x" + Long.toHexString(address) + " is not on an instruction boundary"
                    + " when decoding " + s.name() + " from its start");
        }
        return out;
    }

    /** {@code count} instructions from {@code address} ({@code dis ADDRESS COUNT}). */
    public List<Instruction> from(long address, int count) {
        List<Instruction> out = new ArrayList<>();
        long at = address;
        while (out.size() < count) {
            int want = Math.min((count - out.size()) * MAX_INSN, 64 * 1024);
            List<Instruction> batch = decode(at, want);
            if (batch.isEmpty()) {
                break;
            }
            for (Instruction i : batch.subList(0, Math.min(batch.size(), count - out.size()))) {
                out.add(i);
            }
            at = batch.get(batch.size() - 1).next();
        }
        return out;
    }

    public Optional<SymbolOffset> symbolize(long address) {
        return symbols.symbolize(address);
    }

    private SymbolOffset containing(long address) {
        return symbols.symbolize(address).orElseThrow(() -> new DisassemblerException("0x"
                + Long.toHexString(address) + " is not in kernel or module text (no kallsyms or module symbol contains it)"));
    }

    private static int functionSize(SymbolOffset s) {
        return (int) Math.min(s.size() > 0 ? s.size() : MAX_INSN, MAX_FUNCTION);
    }

    private List<Instruction> decode(long address, int length) {
        return disassembler.decode(address, memory.read(address, length));
    }

    /** Drops the int3 / NOP fill after a function's last instruction (kallsyms sizes include it). */
    static List<Instruction> trimPadding(List<Instruction> list) {
        int end = list.size();
        while (end > 1 && isPadding(list.get(end - 1).text())) {
            end--;
        }
        return List.copyOf(list.subList(0, end));
    }

    private static boolean isPadding(String text) {
        String t = text.strip();
        return t.equals("int3") || t.equals("nop") || t.startsWith("nopw") || t.startsWith("nopl")
                || t.startsWith("cs nopw") || t.startsWith("data16") || t.startsWith("xchg   %ax,%ax");
    }
}
