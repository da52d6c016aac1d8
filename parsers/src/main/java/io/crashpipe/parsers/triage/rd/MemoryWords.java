package io.crashpipe.parsers.triage.rd;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.Unavailable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * crash's {@code rd} for 64-bit words: two words a line after the address, each as 16 hex
 * digits and a space; then two spaces and the bytes as ASCII, or with {@code -s} no ASCII and
 * each word that falls inside a kernel symbol shown as {@code name+offset} (decimal offset, left
 * aligned in 16 columns), as crash's {@code display_memory} does.
 */
public final class MemoryWords {
    private static final int PER_LINE = 2;

    private MemoryWords() {}

    /** One 64-bit word read at {@code address}. */
    public record Word(long address, long value, Optional<String> symbol) {}

    /**
     * Reads {@code count} words from {@code address}.
     *
     * @param symbols name lookup for {@code -s}, or null for none
     * @throws MemoryFault naming the first word that cannot be read
     */
    public static List<Word> read(WordSource source, long address, long count,
            LongFunction<Optional<SymbolOffset>> symbols) {
        List<Word> words = new ArrayList<>();
        byte[] b = new byte[8];
        for (long i = 0; i < count; i++) {
            long at = address + i * 8;
            if (source.tryRead(at, b, 0, 8) instanceof Unavailable u) {
                throw new MemoryFault(u);
            }
            long v = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            Optional<String> sym = symbols == null ? Optional.empty() : symbols.apply(v).map(MemoryWords::symbolText);
            words.add(new Word(at, v, sym));
        }
        return words;
    }

    static String symbolText(SymbolOffset s) {
        return s.offset() == 0 ? s.name() : s.name() + "+" + s.offset();
    }

    /** The words in crash's layout, one string per line (each ends with a newline). */
    public static String text(List<Word> words, boolean symbolic) {
        StringBuilder sb = new StringBuilder();
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            Word w = words.get(i);
            if (i % PER_LINE == 0) {
                if (i > 0) {
                    endLine(sb, ascii, symbolic, PER_LINE);
                }
                sb.append(String.format("%16x:  ", w.address()));
            }
            if (symbolic && w.symbol().isPresent()) {
                sb.append(String.format("%-16s ", w.symbol().get()));
            } else {
                sb.append(String.format("%016x ", w.value()));
            }
            for (int k = 0; k < 8; k++) {
                int c = (int) (w.value() >>> (8 * k)) & 0xff;
                ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
        }
        if (!words.isEmpty()) {
            int last = words.size() % PER_LINE == 0 ? PER_LINE : words.size() % PER_LINE;
            endLine(sb, ascii, symbolic, last);
        }
        return sb.toString();
    }

    private static void endLine(StringBuilder sb, StringBuilder ascii, boolean symbolic, int wordsOnLine) {
        if (!symbolic) {
            sb.append(" ".repeat(17 * (PER_LINE - wordsOnLine))).append("  ").append(ascii);
        }
        sb.append('\n');
        ascii.setLength(0);
    }
}
