package io.crashpipe.parsers.kallsyms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.kallsyms.SyntheticKallsyms.Order;
import io.crashpipe.parsers.kallsyms.SyntheticKallsyms.Sym;
import io.crashpipe.parsers.kernel.SparseMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The image scan on kallsyms layouts no fixture has, written as scripts/kallsyms.c wrote them:
 * 8-byte markers (before 4.20), absolute addresses (before 4.6 or BASE_RELATIVE=n), one-byte
 * name counts (before 6.1), seqs_of_names between markers and tokens (6.2, 6.3), the tables after
 * the token index (6.4+), PC-relative offsets with 4-byte alignment (7.x).
 */
class KallsymsScanSyntheticTest {

    static Kallsyms scan(SparseMemory m, SyntheticKallsyms.Written w) {
        return KallsymsScanner.scan(m.asVirtual(), Vmcoreinfo.parse(w.vmcoreinfo()));
    }

    static void assertDecodesEverySymbol(SyntheticKallsyms s, Kallsyms k) {
        assertEquals(s.symbols.size(), k.size());
        for (int i = 0; i < s.symbols.size(); i++) {
            Sym want = s.symbols.get(i);
            assertEquals(new KernelSymbol(want.name(), want.type(), want.address()), k.get(i), "symbol " + i);
        }
    }

    static void assertLayout(SyntheticKallsyms.Written w, KallsymsLayout l) {
        assertEquals(w.numSyms(), l.numSyms());
        assertEquals(w.names(), l.names());
        assertEquals(w.markers(), l.markers().orElseThrow().address());
        assertEquals(w.tokenTable(), l.tokenTable());
        assertEquals(w.tokenIndex(), l.tokenIndex());
        assertEquals(w.addresses(), l.addresses().address());
        assertEquals(w.relativeBase() == -1 ? OptionalLong.empty() : OptionalLong.of(w.relativeBase()),
                l.addresses().relativeBase());
        assertEquals(w.seqs() == -1 ? OptionalLong.empty() : OptionalLong.of(w.seqs()), l.seqsOfNames());
    }

    @Test
    void linux419EightByteMarkersAbsolutePercpuOffsetsBeforeTheNames() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true));
        s.markerWidth = 8;
        s.twoByteCounts = false;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertEquals(8, k.layout().markers().orElseThrow().width());
        assertEquals(AddressEncoding.ABSOLUTE_PERCPU, k.encoding());
        assertEquals(List.of("_stext", "init_uts_ns", "prb", "clear_seq"), k.agreement().matched());
    }

    @Test
    void absoluteAddressTableWithEightByteMarkers() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true));
        s.encoding = AddressEncoding.ABSOLUTE;
        s.markerWidth = 8;
        s.twoByteCounts = false;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertEquals(AddressEncoding.ABSOLUTE, k.encoding());
        assertEquals(0x40L, k.address("cpu_number").orElseThrow());
    }

    @Test
    void baseRelativeOffsetsWithFourByteMarkers() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(false));
        s.encoding = AddressEncoding.BASE_RELATIVE;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertEquals(AddressEncoding.BASE_RELATIVE, k.encoding());
        assertEquals(NameLengths.ONE_BYTE, k.layout().lengths());
    }

    @Test
    void pre61CountOf128TokensIsOneByteAndTheMarkersSaySo() {
        // KSYM_NAME_LEN 128: a 127-character name plus its type is 128 tokens, written as the byte 0x80.
        String longest = "x".repeat(127);
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true, longest));
        s.twoByteCounts = false;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertEquals(NameLengths.ONE_BYTE, k.layout().lengths());
        assertEquals(SyntheticKallsyms.TEXT + 0x100000, k.address(longest).orElseThrow());
    }

    @Test
    void linux62SeqsOfNamesBetweenMarkersAndTokensWithTwoByteCounts() {
        String rust = "_RNvCs" + "r".repeat(200); // a 6.1+ "big" symbol: 200+ tokens
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true, rust));
        s.order = Order.SEQS_BEFORE_TOKENS;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertEquals(NameLengths.ULEB128, k.layout().lengths());
        assertEquals(SyntheticKallsyms.TEXT + 0x100000, k.address(rust).orElseThrow());
    }

    @Test
    void linux64TablesAfterTheTokenIndexWithSeqsAfterRelativeBase() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true));
        s.order = Order.ADDRESSES_AFTER_TOKENS;
        s.seqs = true;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertTrue(k.layout().addresses().address() > k.layout().tokenIndex());
    }

    @Test
    void linux7PcRelativeOffsetsAlignedToFourBytes() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(false, "_RNvCs" + "p".repeat(150)));
        s.order = Order.ADDRESSES_AFTER_TOKENS;
        s.encoding = AddressEncoding.PC_RELATIVE;
        s.align = 4;
        s.seqs = true;
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        assertEquals(4, w.names() - w.numSyms(), "7.x packs num_syms and names");
        Kallsyms k = scan(m, w);
        assertDecodesEverySymbol(s, k);
        assertLayout(w, k.layout());
        assertEquals(AddressEncoding.PC_RELATIVE, k.encoding());
    }

    @Test
    void aTableThatDoesNotReproduceVmcoreinfosStextIsRejectedSayingWhy() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true));
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        String vi = w.vmcoreinfo().replace("SYMBOL(init_uts_ns)=" + Long.toHexString(SyntheticKallsyms.DATA),
                "SYMBOL(init_uts_ns)=" + Long.toHexString(SyntheticKallsyms.DATA + 8));
        KallsymsNotFoundException e = assertThrows(KallsymsNotFoundException.class,
                () -> KallsymsScanner.scan(m.asVirtual(), Vmcoreinfo.parse(vi)));
        assertTrue(e.getMessage().contains("different: init_uts_ns"), e.getMessage());
        assertTrue(e.getMessage().contains("2 token-table candidates"), e.getMessage()); // the decoy and the real one
    }

    @Test
    void aPageThatHasNotArrivedStopsTheScanInsteadOfConcludingAbsence() {
        SyntheticKallsyms s = new SyntheticKallsyms(SyntheticKallsyms.kernel(true));
        SparseMemory m = new SparseMemory();
        SyntheticKallsyms.Written w = s.write(m);
        long waited = w.names() & -4096L;
        io.crashpipe.parsers.kernel.VirtualMemory streaming = (vaddr, dst, off, len) -> {
            if ((vaddr & -4096L) <= waited && waited < vaddr + len) {
                return new Unavailable(vaddr, true, waited >>> 12, Unavailable.Reason.NOT_YET_ARRIVED, "streaming");
            }
            ReadResult r = m.tryRead(vaddr, dst, off, len);
            return r instanceof Unavailable u ? u.atVirtual(vaddr) : r;
        };
        MemoryFault f = assertThrows(MemoryFault.class,
                () -> KallsymsScanner.scan(streaming, Vmcoreinfo.parse(w.vmcoreinfo())));
        assertEquals(Unavailable.Reason.NOT_YET_ARRIVED, f.unavailable().reason());
    }

    @Test
    void anImageWithoutKallsymsIsAbsentNamingTheRangeScanned() {
        SparseMemory m = new SparseMemory();
        m.put(SyntheticKallsyms.TEXT, new byte[8192]).put(SyntheticKallsyms.DATA, new byte[4096]);
        KallsymsNotFoundException e = assertThrows(KallsymsNotFoundException.class,
                () -> KallsymsScanner.scan(m.asVirtual(),
                        Vmcoreinfo.parse(new SyntheticKallsyms(List.of()).vmcoreinfo())));
        assertTrue(e.getMessage().contains("0xffffffff81000000-0xffffffff83003000"), e.getMessage());
    }
}
