package io.crashpipe.parsers.kallsyms;

/**
 * {@code kallsyms_token_table} and {@code kallsyms_token_index}: the 256 tokens that compressed
 * names are made of. The table is 256 NUL-terminated strings in token order; the index is 256
 * little-endian u16 offsets into it. The index has followed the table directly in every
 * layout of scripts/kallsyms.c (2.6 to 7.x), whatever came before or after the pair.
 *
 * @param table address of {@code kallsyms_token_table}
 * @param index address of {@code kallsyms_token_index}
 * @param tokens the token texts, as raw bytes widened to chars (ISO-8859-1)
 */
public record TokenTable(long table, long index, String[] tokens) {
    static final int TOKENS = 256;
    private static final int MAX_TOKEN = 1024;

    /** Reads both tables; fails naming the token whose text does not end. */
    static TokenTable read(ImageBytes img, long table, long index) {
        String[] tokens = new String[TOKENS];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < TOKENS; i++) {
            long at = table + img.u16(index + 2L * i);
            sb.setLength(0);
            for (int c = img.u8(at); c != 0; c = img.u8(at + sb.length())) {
                sb.append((char) c);
                if (sb.length() > MAX_TOKEN) {
                    throw new IllegalStateException("kallsyms token " + i + " at 0x" + Long.toHexString(at)
                            + " is not NUL-terminated within " + MAX_TOKEN + " bytes");
                }
            }
            tokens[i] = sb.toString();
        }
        return new TokenTable(table, index, tokens);
    }

    /** Bytes of the token table (up to the last token's NUL). */
    long tableBytes() {
        long size = 0;
        for (String t : tokens) {
            size += t.length() + 1;
        }
        return size;
    }

    /**
     * The token pair around a candidate run of the single-character tokens "0" to "9": kallsyms
     * keeps every character that occurs in a symbol name as the token of that byte value, so
     * tokens 0x30 to 0x39 are "0".."9", stored back to back. Walking the remaining 0xc6 tokens
     * forward gives the table's end; the index follows it (after at most 7 bytes of alignment)
     * and must describe exactly the strings found, which pins the table's start.
     *
     * @param digits address of the "0" token
     * @return the tables, or null when this run of digits is not a token table
     */
    static TokenTable around(ImageBytes img, long digits) {
        long end = digits;
        for (int t = '0'; t < TOKENS; t++) {
            int len = 0;
            while (img.u8(end + len) != 0) {
                if (++len > MAX_TOKEN) {
                    return null;
                }
            }
            end += len + 1;
        }
        for (long index = (end + 1) & ~1L; index < end + 8; index += 2) {
            if (img.u16(index) != 0) {
                continue;
            }
            long table = digits - img.u16(index + 2L * '0');
            if (table > digits || digits - table > TOKENS * MAX_TOKEN) {
                continue;
            }
            TokenTable t = readIfConsistent(img, table, index, end);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The tables when every index entry points just past the previous token's NUL. */
    private static TokenTable readIfConsistent(ImageBytes img, long table, long index, long end) {
        long expected = 0;
        for (int i = 0; i < TOKENS; i++) {
            if (img.u16(index + 2L * i) != expected) {
                return null;
            }
            long at = table + expected;
            while (img.u8(at) != 0) {
                at++;
            }
            expected = at + 1 - table;
        }
        return table + expected == end ? read(img, table, index) : null;
    }
}
