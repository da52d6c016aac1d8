package io.crashpipe.parsers.orc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrcTableTest {

    @Test
    void v1FlagsHaveTheEndBitAtBit10AndPtRegsFramesAreSignalFrames() {
        // sp_reg SP (5), bp_reg PREV_SP (1), type REGS (1)
        OrcEntry regs = OrcFormat.V1.decode((short) 8, (short) -16, 0x0115);
        assertEquals(new OrcEntry(8, -16, OrcReg.SP, OrcReg.PREV_SP, OrcType.REGS, true), regs);
        assertEquals(OrcType.END_OF_STACK, OrcFormat.V1.decode((short) 0, (short) 0, 0x0400).type());
        assertEquals(OrcType.UNDEFINED, OrcFormat.V1.decode((short) 0, (short) 0, 0x0000).type());
        assertFalse(OrcFormat.V1.decode((short) 8, (short) 0, 0x0005).signal());
    }

    @Test
    void v2FlagsHaveSignalAtBit10AndEndAtBit11() {
        OrcEntry call = OrcFormat.V2.decode((short) 16, (short) 0, 0x0405);
        assertEquals(OrcType.CALL, call.type());
        assertTrue(call.signal());
        assertEquals(OrcType.END_OF_STACK, OrcFormat.V2.decode((short) 0, (short) 0, 0x0800).type());
    }

    @Test
    void v3FlagsHaveAThreeBitTypeAndSignalAtBit11() {
        assertEquals(new OrcEntry(16, 0, OrcReg.SP, OrcReg.UNDEFINED, OrcType.CALL, false),
                OrcFormat.V3.decode((short) 16, (short) 0, 0x0205));
        assertEquals(OrcType.END_OF_STACK, OrcFormat.V3.decode((short) 0, (short) 0, 0x0100).type());
        assertEquals(OrcType.REGS_PARTIAL, OrcFormat.V3.decode((short) 0, (short) 0, 0x0409).type());
        assertTrue(OrcFormat.V3.decode((short) 0, (short) 0, 0x0b05).signal());
    }

    @Test
    void v4KeepsV3FlagsButRenumbersTheRegisters() {
        // 7.1+: SP is 3, PREV_SP 8, BP_INDIRECT 10; the commonest 7.2 entries are 0x0203 and 0x0283.
        assertEquals(new OrcEntry(16, 0, OrcReg.SP, OrcReg.UNDEFINED, OrcType.CALL, false),
                OrcFormat.V4.decode((short) 16, (short) 0, 0x0203));
        assertEquals(new OrcEntry(16, -16, OrcReg.SP, OrcReg.PREV_SP, OrcType.CALL, false),
                OrcFormat.V4.decode((short) 16, (short) -16, 0x0283));
        assertEquals(OrcReg.BP_INDIRECT, OrcFormat.V4.decode((short) 0, (short) 0, 0x024a).spReg());
        assertEquals(OrcReg.AX, OrcFormat.V4.reg(1));
        // The same codes meant DI and PREV_SP before 7.1.
        assertEquals(OrcReg.DI, OrcFormat.V3.decode((short) 16, (short) 0, 0x0203).spReg());
        assertEquals(OrcReg.SP, OrcFormat.V3.decode((short) 16, (short) 0, 0x0205).spReg());
    }

    @Test
    void aKnownOrcHeaderHashDecidesTheFormatAtOnce() {
        OrcFormatDetector d = new OrcFormatDetector();
        d.acceptHeader(new OrcHeader(java.util.HexFormat.of().parseHex("137c36ad7627c4dd55932176bb0ecdbd5041fc82")));
        assertTrue(d.settled());
        assertEquals(OrcFormat.V4, d.format());
        OrcFormatDetector unknown = new OrcFormatDetector();
        unknown.acceptHeader(new OrcHeader(new byte[OrcHeader.SIZE]));
        assertFalse(unknown.settled());
    }

    @Test
    void detectorTellsTheFormatsApartFromTypicalEntries() {
        assertEquals(OrcFormat.V3, detect(0x0205, 0x0b15));
        assertEquals(OrcFormat.V4, detect(0x0203, 0x0b03));
        assertEquals(OrcFormat.V1, detect(0x0005, 0x0400 | 0x0000));
        assertEquals(OrcFormat.V2, detect(0x0005, 0x0515));
    }

    @Test
    void anEndOfStackHintSettlesV1AgainstV2WithoutAPtRegsEntry() {
        OrcFormatDetector v2 = new OrcFormatDetector();
        v2.acceptEndMarker(0x0800);
        OrcFormatDetector v1 = new OrcFormatDetector();
        v1.acceptEndMarker(0x0400);
        for (int i = 0; i < 5000; i++) {
            v2.accept(0x0005);
            v1.accept(0x0005);
        }
        assertTrue(v1.settled() && v2.settled());
        assertEquals(OrcFormat.V2, v2.format());
        assertEquals(OrcFormat.V1, v1.format());
    }

    @Test
    void syscallEntryStartsWithAnEndOfStackEntryInEveryFixture() throws IOException {
        for (var dir : ArchFixtures.withKallsyms("x86_64")) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                OrcTable t = OrcTable.locate(v.kallsyms(), v.memory()).orElseThrow();
                long entry = v.kallsyms().address("entry_SYSCALL_64").getAsLong();
                assertEquals(OrcType.END_OF_STACK, t.find(entry).orElseThrow().type(), dir.toString());
            }
        }
    }

    private static OrcFormat fromEntriesAlone(KernelView v) {
        long start = v.kallsyms().address("__start_orc_unwind").getAsLong();
        long stop = v.kallsyms().address("__stop_orc_unwind").getAsLong();
        OrcFormatDetector d = new OrcFormatDetector();
        var b = v.memory().buffer(start, (int) (stop - start));
        for (int off = 4; off + 2 <= b.limit(); off += OrcEntry.SIZE) {
            d.accept(b.getShort(off) & 0xffff);
        }
        return d.format();
    }

    private static OrcFormat detect(int common, int rare) {
        OrcFormatDetector d = new OrcFormatDetector();
        for (int i = 0; i < 5000; i++) {
            d.accept(common);
        }
        d.accept(rare);
        return d.format();
    }

    /**
     * Debian 6.1 kernels carry the pre-6.3 encoding, 6.12 the 6.4+ one, 7.2 the 7.1+ one (entry
     * counts from the dumps); the entries alone give the same answer as the .orc_header hash.
     */
    @Test
    void fixtureFormatsAreDetectedFromTheirData() throws IOException {
        Map<String, OrcFormat> formats = Map.of("6.1-kdump-sysrq", OrcFormat.V1, "6.1-qemu-sysrq", OrcFormat.V1,
                "6.12-qemu-sysrq", OrcFormat.V3, "7.2-qemu-sysrq", OrcFormat.V4);
        Map<String, Integer> sizes = Map.of("6.1-kdump-sysrq", 384849, "6.1-qemu-sysrq", 384849,
                "6.12-qemu-sysrq", 440189, "7.2-qemu-sysrq", 409174);
        for (var dir : ArchFixtures.withKallsyms("x86_64")) {
            if (!formats.containsKey(dir.getFileName().toString())) {
                continue;
            }
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                OrcTable t = OrcTable.locate(v.kallsyms(), v.memory()).orElseThrow();
                String name = dir.getFileName().toString();
                assertEquals(formats.get(name), t.format(), name);
                assertEquals(formats.get(name), fromEntriesAlone(v), name + " without the .orc_header");
                assertEquals(sizes.get(name), t.size(), name);
            }
        }
    }

    @Test
    void blockIndexLookupAgreesWithWholeTableSearch() throws IOException {
        for (var dir : ArchFixtures.withKallsyms("x86_64")) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                Kallsyms k = v.kallsyms();
                OrcTable t = OrcTable.locate(k, v.memory()).orElseThrow();
                long start = k.address("_stext").getAsLong();
                long end = k.address("_etext").getAsLong();
                int checked = 0;
                for (long ip = start; Long.compareUnsigned(ip, end) < 0; ip += 40_961) {
                    assertEquals(t.find(ip, false), t.find(ip), dir.getFileName() + " ip " + Long.toHexString(ip));
                    checked++;
                }
                assertTrue(checked > 300, "sampled " + checked);
                assertTrue(t.find(start - 1).isEmpty(), "below _stext has no entry");
            }
        }
    }
}
