package io.crashpipe.parsers.triage.dis;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * crash's {@code dis} line: {@code 0xADDR <sym+off>:\tTEXT}, where crash's x86_64 filter adds
 * {@code <sym+off>} (decimal offset) to call and jump targets and to gdb's {@code # 0x...}
 * RIP-relative comments, and marks a 5-byte NOP at a function's first byte {@code [FTRACE NOP]}.
 */
public final class CrashDisFormat {
    private static final Pattern BRANCH = Pattern.compile("^(call|j[a-z]+)\\s+(0x[0-9a-f]+)$");
    private static final Pattern COMMENT = Pattern.compile("# (0x[0-9a-f]+)$");
    /** gdb's libopcodes pads the mnemonic to six columns and a space, even with no operand. */
    private static final int MNEMONIC_COLUMNS = 7;

    private final LongFunction<Optional<SymbolOffset>> symbols;

    public CrashDisFormat(LongFunction<Optional<SymbolOffset>> symbols) {
        this.symbols = symbols;
    }

    public String text(List<Instruction> instructions) {
        StringBuilder sb = new StringBuilder();
        instructions.forEach(i -> sb.append(line(i)).append('\n'));
        return sb.toString();
    }

    public String line(Instruction i) {
        String where = symbol(i.address()).map(s -> " <" + s + ">").orElse("");
        return String.format("0x%x%s:\t%s", i.address(), where, operands(i));
    }

    /** The instruction text with crash's symbol annotations. */
    public String operands(Instruction i) {
        String t = i.text();
        if (!t.contains(" ") && !t.equals("nop")) {
            // Newer libopcodes trims the padding gdb 10 (crash 8.0.x) keeps after a bare mnemonic.
            t = String.format("%-" + MNEMONIC_COLUMNS + "s", t);
        }
        Matcher b = BRANCH.matcher(t.replaceAll("\\s+", " "));
        if (b.matches()) {
            t = t + target(b.group(2));
        } else {
            Matcher c = COMMENT.matcher(t);
            if (c.find()) {
                t = t + target(c.group(1));
            }
        }
        if (t.startsWith("nopl   0x0(%rax,%rax,1)") || t.startsWith("data32 data32 data32 xchg %ax,%ax")) {
            if (symbols.apply(i.address()).map(s -> s.offset() == 0).orElse(false)) {
                t = t.stripTrailing() + " [FTRACE NOP]";
            }
        }
        return t;
    }

    private String target(String hex) {
        long v = Long.parseUnsignedLong(hex.substring(2), 16);
        return symbol(v).map(s -> " <" + s + ">").orElse("");
    }

    private Optional<String> symbol(long address) {
        return symbols.apply(address).map(s -> s.offset() == 0 ? s.name() : s.name() + "+" + s.offset());
    }
}
