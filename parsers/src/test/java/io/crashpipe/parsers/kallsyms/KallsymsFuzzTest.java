package io.crashpipe.parsers.kallsyms;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.fuzz.FuzzSegments;
import io.crashpipe.parsers.kallsyms.KallsymsEncodingsSyntheticTest.Layout;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for kallsyms decoding from the tables VMCOREINFO names (Linux 6.0+). Byte 0 picks
 * the address table VMCOREINFO announces (kallsyms_addresses; kallsyms_offsets with
 * kallsyms_relative_base; kallsyms_offsets alone, 6.15+); the rest is six {@link FuzzSegments}:
 * num_syms, relative_base, token_table, token_index, names (with the markers after them), and
 * offsets or addresses, each mapped at its own address. The seeds are windows of 40 symbols
 * around {@code _stext} cut from the fixtures' real tables, rebased so that {@code _stext} lands on
 * {@link #STEXT}: real tokens, real name encodings, real offsets.
 */
class KallsymsFuzzTest {
    static final long STEXT = 0xffffffff81001000L;
    static final long TABLES = 0xffffffff82000000L;
    /** num_syms, relative_base, token_table, token_index, names, offsets: 64 KiB apart. */
    static final long[] BASES = Stream.iterate(TABLES, a -> a + 0x10000).limit(6).mapToLong(Long::longValue).toArray();
    private static final int NUM_SYMS = 0, RELATIVE_BASE = 1, TOKEN_TABLE = 2, TOKEN_INDEX = 3, NAMES = 4, OFFSETS = 5;
    private static final int WINDOW = 40;
    private static final Vmcoreinfo[] VI = {vmcoreinfo(Layout.ABSOLUTE), vmcoreinfo(Layout.BASE_RELATIVE),
        vmcoreinfo(Layout.PC_RELATIVE)};

    static Vmcoreinfo vmcoreinfo(Layout layout) {
        StringBuilder vi = new StringBuilder("OSRELEASE=6.1.0\n")
                .append("SYMBOL(_stext)=").append(Long.toHexString(STEXT)).append('\n')
                .append("SYMBOL(kallsyms_num_syms)=").append(Long.toHexString(BASES[NUM_SYMS])).append('\n')
                .append("SYMBOL(kallsyms_token_table)=").append(Long.toHexString(BASES[TOKEN_TABLE])).append('\n')
                .append("SYMBOL(kallsyms_token_index)=").append(Long.toHexString(BASES[TOKEN_INDEX])).append('\n')
                .append("SYMBOL(kallsyms_names)=").append(Long.toHexString(BASES[NAMES])).append('\n');
        String table = layout == Layout.ABSOLUTE ? "kallsyms_addresses" : "kallsyms_offsets";
        vi.append("SYMBOL(").append(table).append(")=").append(Long.toHexString(BASES[OFFSETS])).append('\n');
        if (layout == Layout.BASE_RELATIVE || layout == Layout.ABSOLUTE_PERCPU) {
            vi.append("SYMBOL(kallsyms_relative_base)=").append(Long.toHexString(BASES[RELATIVE_BASE])).append('\n');
        }
        return Vmcoreinfo.parse(vi.toString());
    }

    private static int variant(Layout l) {
        return switch (l) {
            case ABSOLUTE -> 0;
            case BASE_RELATIVE, ABSOLUTE_PERCPU -> 1;
            case PC_RELATIVE -> 2;
        };
    }

    @FuzzTest(maxDuration = "5s")
    void kallsyms(byte[] data) {
        if (data.length == 0) {
            return;
        }
        Vmcoreinfo vi = VI[(data[0] & 0xff) % VI.length];
        VirtualMemory mem = FuzzSegments.split(data, 1, BASES.length).map(BASES);
        expectTypedErrors(() -> exercise(KallsymsReader.read(mem, vi)));
    }

    /** What the commands ask of a table: every symbol by address and by name. */
    static void exercise(Kallsyms k) {
        for (int i = 0; i < k.size(); i++) {
            KernelSymbol s = k.get(i);
            k.symbolize(s.address());
            k.symbolize(s.address() + 1);
            k.address(s.name());
        }
    }

    /** The committed seeds decode: the target reaches the table decoders, not just the first check. */
    @Test
    void everySeedDecodesToItsWindowWithStextWhereVmcoreinfoSaysIt() throws IOException {
        Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'),
                "KallsymsFuzzTestInputs", "kallsyms");
        try (Stream<Path> seeds = Files.list(dir)) {
            for (Path seed : seeds.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList()) {
                byte[] data = Files.readAllBytes(seed);
                Kallsyms k = KallsymsReader.read(FuzzSegments.split(data, 1, BASES.length).map(BASES),
                        VI[(data[0] & 0xff) % VI.length]);
                assertTrue(k.size() >= 8, seed.toString());
                assertEquals(STEXT, k.address("_stext").orElseThrow(), seed.toString());
                assertTrue(k.agreement().accepted(), seed + ": " + k.agreement());
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        for (String fixture : new String[] {"6.1-qemu-sysrq", "6.12-qemu-sysrq", "7.2-qemu-sysrq", "arm64-6.1-qemu-sysrq"}) {
            try (Dump d = Dumps.open(Fixtures.variants(Fixtures.dir(fixture)).get(0))) {
                KernelView v = KernelView.of(d);
                FuzzSeeds.write(getClass(), "kallsyms", fixture + "-window", window(v.kallsyms(), v.memory()));
            }
        }
        SparseMemory m = new SparseMemory();
        KallsymsEncodingsSyntheticTest.image(m, KallsymsEncodingsSyntheticTest.KERNEL, Layout.ABSOLUTE, "6.1.0");
        FuzzSeeds.write(getClass(), "kallsyms", "synthetic-absolute", synthetic(m, KallsymsEncodingsSyntheticTest.KERNEL.size()));
    }

    /** One table's pieces around {@code _stext}, rebased so that {@code _stext} is {@link #STEXT}. */
    record Window(Layout layout, int count, byte[] relativeBase, byte[] tokenTable, byte[] tokenIndex, byte[] names,
            byte[] offsets, int[] markers) {
        /** The target's input: names followed by kallsyms_markers (one block: [0]). */
        byte[] seed() {
            byte[] count4 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, count).array();
            return KallsymsFuzzTest.seed(layout, count4, relativeBase, tokenTable, tokenIndex,
                    Arrays.copyOf(names, ((names.length + 3) & ~3) + 4), offsets);
        }
    }

    private static byte[] window(Kallsyms k, VirtualMemory mem) {
        return window(k, mem, BASES[OFFSETS], WINDOW).seed();
    }

    /** {@code size} symbols of a real table from a little before {@code _stext}; pc-relative offsets as if the table were at {@code offsetsAt}. */
    static Window window(Kallsyms k, VirtualMemory mem, long offsetsAt, int size) {
        KallsymsLayout l = k.layout();
        int stext = -1;
        for (int i = 0; i < k.size() && stext < 0; i++) {
            stext = k.get(i).name().equals("_stext") ? i : -1;
        }
        int from = Math.max(0, stext - 12);
        int to = Math.min(k.size(), from + size);
        long delta = STEXT - k.get(stext).address();

        long at = l.names();
        for (int i = 0; i < from; i++) {
            at += entryBytes(mem, at, l.lengths());
        }
        long start = at;
        int[] markers = new int[(to - from + 255) / 256];
        for (int i = from; i < to; i++) {
            if ((i - from) % 256 == 0) {
                markers[(i - from) / 256] = (int) (at - start);
            }
            at += entryBytes(mem, at, l.lengths());
        }
        byte[] names = mem.read(start, (int) (at - start));

        AddressTable t = l.addresses();
        ByteBuffer offsets = ByteBuffer.allocate((to - from) * t.entrySize()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] relativeBase = new byte[8];
        for (int i = from; i < to; i++) {
            long entry = t.address() + (long) t.entrySize() * i;
            switch (t.encoding()) {
                case ABSOLUTE -> offsets.putLong(mem.u64(entry) + delta);
                case BASE_RELATIVE, ABSOLUTE_PERCPU -> offsets.putInt(mem.s32(entry)); // moved by relative_base
                case PC_RELATIVE -> offsets.putInt(Math.toIntExact(k.get(i).address() + delta
                        - (offsetsAt + 4L * (i - from))));
            }
        }
        if (t.relativeBase().isPresent()) {
            ByteBuffer.wrap(relativeBase).order(ByteOrder.LITTLE_ENDIAN).putLong(0, mem.u64(t.relativeBase().getAsLong()) + delta);
        }
        int tokenBytes = 0;
        for (int i = 0; i < 256; i++) {
            tokenBytes = Math.max(tokenBytes, mem.u16(l.tokenIndex() + 2L * i) + tokenLength(mem, l, i) + 1);
        }
        Layout layout = switch (t.encoding()) {
            case ABSOLUTE -> Layout.ABSOLUTE;
            case BASE_RELATIVE -> Layout.BASE_RELATIVE;
            case ABSOLUTE_PERCPU -> Layout.ABSOLUTE_PERCPU;
            case PC_RELATIVE -> Layout.PC_RELATIVE;
        };
        return new Window(layout, to - from, relativeBase, mem.read(l.tokenTable(), tokenBytes),
                mem.read(l.tokenIndex(), 512), names, offsets.array(), markers);
    }

    private static int tokenLength(VirtualMemory mem, KallsymsLayout l, int token) {
        long at = l.tokenTable() + mem.u16(l.tokenIndex() + 2L * token);
        int n = 0;
        while (mem.u8(at + n) != 0) {
            n++;
        }
        return n;
    }

    private static int entryBytes(VirtualMemory mem, long at, NameLengths lengths) {
        int b0 = mem.u8(at);
        if (lengths == NameLengths.ULEB128 && (b0 & 0x80) != 0) {
            return 2 + ((b0 & 0x7f) | mem.u8(at + 1) << 7);
        }
        return 1 + b0;
    }

    /** The synthetic tables of {@link KallsymsEncodingsSyntheticTest} as a fuzz input. */
    private static byte[] synthetic(SparseMemory m, int n) {
        // Its _stext is the target's, so its absolute addresses need no rebasing.
        assertEquals(STEXT, KallsymsEncodingsSyntheticTest.TEXT + 0x1000);
        byte[] names = trimmed(FuzzSeeds.slice(m, KallsymsEncodingsSyntheticTest.NAMES, 0x4000), 0);
        return seed(Layout.ABSOLUTE, FuzzSeeds.slice(m, KallsymsEncodingsSyntheticTest.TABLES, 4), new byte[8],
                trimmed(FuzzSeeds.slice(m, KallsymsEncodingsSyntheticTest.TOKEN_TABLE, 0x2000), 1),
                FuzzSeeds.slice(m, KallsymsEncodingsSyntheticTest.TOKEN_INDEX, 512),
                Arrays.copyOf(names, ((names.length + 3) & ~3) + 4),
                FuzzSeeds.slice(m, KallsymsEncodingsSyntheticTest.OFFSETS, 8 * n));
    }

    /** {@code b} without its trailing zeros, keeping {@code keep} of them (a final NUL). */
    private static byte[] trimmed(byte[] b, int keep) {
        int used = b.length;
        while (used > 0 && b[used - 1] == 0) {
            used--;
        }
        return Arrays.copyOf(b, Math.min(b.length, used + keep));
    }

    private static byte[] seed(Layout layout, byte[]... segments) {
        byte[] joined = FuzzSegments.join(segments);
        byte[] out = new byte[joined.length + 1];
        out[0] = (byte) variant(layout);
        System.arraycopy(joined, 0, out, 1, joined.length);
        return out;
    }
}
