package io.crashpipe.parsers.kallsyms;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a dump's kallsyms tables are and how they are encoded: what VMCOREINFO says (6.0+) or
 * what the image scan found. The order of the tables has changed over time (scripts/kallsyms.c):
 * <ul>
 * <li>up to 6.1: addresses or offsets, relative_base, num_syms, names, markers, token_table,
 *     token_index;
 * <li>6.2 and 6.3: seqs_of_names between markers and token_table (stable kernels got it too:
 *     Debian's 6.1.192 has it there);
 * <li>6.4 ("scripts/kallsyms: change the output order"): num_syms, names, markers,
 *     token_table, token_index, offsets, relative_base, seqs_of_names;
 * <li>7.x: the same without relative_base, and labels aligned to 4 bytes instead of 8.
 * </ul>
 *
 * @param numSyms address of {@code kallsyms_num_syms}
 * @param count the symbol count it holds
 * @param names address of {@code kallsyms_names}
 * @param lengths how name lengths are encoded
 * @param markers {@code kallsyms_markers}, when located (the VMCOREINFO path looks for it right after the names)
 * @param tokenTable address of {@code kallsyms_token_table}
 * @param tokenIndex address of {@code kallsyms_token_index}
 * @param addresses the address table
 * @param seqsOfNames address of {@code kallsyms_seqs_of_names} (6.2+), when located
 */
public record KallsymsLayout(long numSyms, int count, long names, NameLengths lengths, Optional<Markers> markers,
        long tokenTable, long tokenIndex, AddressTable addresses, OptionalLong seqsOfNames) {

    /** One line for {@code info}: the tables and their encodings. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(count).append(" symbols; names 0x").append(Long.toHexString(names))
                .append(" (").append(lengths == NameLengths.ULEB128 ? "two-byte long-name counts" : "one-byte counts")
                .append(")");
        markers.ifPresent(m -> sb.append(", markers 0x").append(Long.toHexString(m.address()))
                .append(" (").append(m.width()).append("-byte)"));
        sb.append(", token_table 0x").append(Long.toHexString(tokenTable))
                .append(", token_index 0x").append(Long.toHexString(tokenIndex))
                .append(", ").append(addresses.encoding() == AddressEncoding.ABSOLUTE ? "addresses" : "offsets")
                .append(" 0x").append(Long.toHexString(addresses.address()))
                .append(" (").append(addresses.encoding().name().toLowerCase().replace('_', '-')).append(")");
        addresses.relativeBase().ifPresent(b -> sb.append(", relative_base 0x").append(Long.toHexString(b)));
        seqsOfNames.ifPresent(s -> sb.append(", seqs_of_names 0x").append(Long.toHexString(s)));
        return sb.toString();
    }
}
