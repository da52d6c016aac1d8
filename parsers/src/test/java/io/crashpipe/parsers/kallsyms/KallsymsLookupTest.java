package io.crashpipe.parsers.kallsyms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lookups by name on names kept compressed: through kallsyms_seqs_of_names (6.2+ and Debian's
 * 6.1) or the hash index (5.10), every name finds what a decode of the whole table finds.
 */
class KallsymsLookupTest {

    static Stream<Path> dumps() {
        return Fixtures.dumpDirs().stream().map(d -> Fixtures.variants(d).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void everyNameFindsItsLowestAddressedSymbolAsAFullDecodeDoes(Path file) throws Exception {
        try (Dump d = Dumps.open(file)) {
            Kallsyms k = KernelView.of(d).kallsyms();
            Map<String, Long> lowest = new HashMap<>();
            for (int i = 0; i < k.size(); i++) { // ascending addresses: the first seen is the lowest
                KernelSymbol s = k.get(i);
                lowest.putIfAbsent(s.name(), s.address());
            }
            assertTrue(lowest.size() > 40_000, file + ": " + lowest.size() + " names");
            lowest.forEach((name, address) -> assertEquals(OptionalLong.of(address), k.address(name), name));
            assertEquals(OptionalLong.empty(), k.address("no_such_symbol_in_any_kernel"));
            assertEquals(OptionalLong.empty(), k.address("swapper_pg_dir"), "a VMCOREINFO alias kallsyms lacks");
        }
    }

    /** Tokens are single characters here, so an entry's token numbers are its bytes. */
    private static CompressedNames table(List<String> entries) {
        String[] tokens = new String[256];
        for (int t = 0; t < 256; t++) {
            tokens[t] = String.valueOf((char) t);
        }
        StringBuilder all = new StringBuilder();
        int[] starts = new int[entries.size()];
        short[] counts = new short[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            starts[i] = all.length();
            counts[i] = (short) entries.get(i).length();
            all.append(entries.get(i));
        }
        return CompressedNames.of(all.toString().getBytes(StandardCharsets.ISO_8859_1), starts, counts, tokens);
    }

    private static byte[] seqs(int... order) {
        byte[] b = new byte[3 * order.length];
        for (int p = 0; p < order.length; p++) {
            b[3 * p] = (byte) (order[p] >>> 16);
            b[3 * p + 1] = (byte) (order[p] >>> 8);
            b[3 * p + 2] = (byte) order[p];
        }
        return b;
    }

    @Test
    void aNameSortedByItsLtoCutFormIsStillFound() {
        // Clang LTO 6.2-6.10 sorted by names cut at ".llvm.": "foo.llvm.1" sorts as "foo", before "foo_bar".
        CompressedNames names = table(List.of("Tfoo_bar", "tfoo.llvm.1", "Tfoo", "Dzed"));
        CompressedNames lto = names.withSeqsOfNames(seqs(1, 2, 0, 3)); // foo(.llvm.1), foo, foo_bar, zed
        assertArrayEquals(new int[] {1}, lto.indexesOf("foo.llvm.1"));
        assertArrayEquals(new int[] {2}, lto.indexesOf("foo"));
        assertArrayEquals(new int[] {0}, lto.indexesOf("foo_bar"));
        assertArrayEquals(new int[] {3}, lto.indexesOf("zed"));
        assertArrayEquals(new int[0], lto.indexesOf("fo"));
    }

    @Test
    void duplicateNamesAreAllFoundInTableOrderWithOrWithoutSeqsOfNames() {
        CompressedNames names = table(List.of("tinit", "Tmain", "tinit", "ttext"));
        assertArrayEquals(new int[] {0, 2}, names.indexesOf("init"));
        assertArrayEquals(new int[] {0, 2}, names.withSeqsOfNames(seqs(2, 0, 1, 3)).indexesOf("init"));
        assertEquals('T', names.type(1));
        assertEquals("main", names.name(1));
    }
}
