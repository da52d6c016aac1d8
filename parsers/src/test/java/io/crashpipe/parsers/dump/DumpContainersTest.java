package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every container variant of every real fixture dump opens and agrees with the others. */
class DumpContainersTest {

    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        for (Path dir : Fixtures.dumpDirs()) {
            for (Path v : Fixtures.variants(dir)) {
                out.add(Arguments.of(dir.getFileName() + "/" + v.getFileName(), dir, v));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyVariantOpensWithItsContainerAndTheKernelFacts(String label, Path dir, Path file) throws IOException {
        String meta = Files.readString(dir.resolve("meta.json"));
        try (Dump d = Dumps.open(file)) {
            assertEquals(expectedFormat(file), d.header().format());
            assertEquals(4096, d.pageSize());
            String vmcoreinfo = d.vmcoreinfo().orElseThrow();
            assertTrue(vmcoreinfo.contains("OSRELEASE=" + jsonString(meta, "kernel_release") + "\n"), vmcoreinfo);
            assertEquals(Integer.parseInt(jsonNumber(meta, "smp")), d.cpuRegisters().size());
            if (d.header().format() != DumpFormat.ELF) {
                // vmcore.*-d31 and kdump-tools' dump.* were filtered at level 31; QEMU's own
                // (7.2's vmcore.zlib-unfiltered) keeps everything.
                boolean unfiltered = file.getFileName().toString().contains("unfiltered");
                assertEquals(unfiltered ? 0 : 31, unfiltered ? 0 : d.header().dumpLevel().getAsInt());
                if (!unfiltered) { // QEMU leaves the kdump header's utsname empty
                    assertEquals(jsonString(meta, "kernel_release"), d.header().utsname().orElseThrow().release());
                }
                assertTrue(!d.header().incomplete());
            }
        }
    }

    private static DumpFormat expectedFormat(Path file) {
        String n = file.getFileName().toString();
        if (n.contains("elf")) {
            return DumpFormat.ELF;
        }
        return n.contains("flat") ? DumpFormat.FLATTENED : DumpFormat.KDUMP;
    }

    @Test
    void pagesPresentInTwoVariantsAreByteIdenticalAndCountsAgree() throws IOException {
        for (Path dir : Fixtures.dumpDirs()) {
            List<Path> files = Fixtures.variants(dir);
            Path refFile = files.stream().filter(f -> !f.toString().contains("elf")).findFirst().orElseThrow();
            try (Dump ref = Dumps.open(refFile)) {
                PageCounts refCounts = ref.countPages();
                for (Path f : files) {
                    try (Dump other = Dumps.open(f)) {
                        PageCounts c = other.countPages();
                        if (!f.toString().contains("unfiltered")) {
                            // QEMU's own dump describes RAM by its memory regions, makedumpfile by the
                            // kernel's: only dumps makedumpfile wrote must agree on the count.
                            assertEquals(refCounts.inRam(), c.inRam(), "RAM pages of " + f + " vs " + refFile);
                        }
                        long[] compared = comparePages(ref, other);
                        if (other.header().format() == DumpFormat.ELF) {
                            // makedumpfile -E keeps short runs of filtered pages: it is a superset.
                            assertEquals(refCounts.dumped() - refCounts.zero(), compared[0] - compared[1],
                                    "non-zero pages of " + refFile + " all found in " + f);
                        } else if (f.toString().contains("unfiltered")) {
                            // QEMU's unfiltered dump holds every page: a superset of the filtered one's.
                            assertEquals(refCounts.dumped() - refCounts.zero(), compared[0] - compared[1],
                                    "non-zero pages of " + refFile + " all found in " + f);
                        } else {
                            // The same dump level, but zero pages may be stored (shared zero page) or not.
                            assertEquals(refCounts.dumped() - refCounts.zero(), c.dumped() - c.zero(),
                                    "non-zero dumped pages of " + f + " vs " + refFile);
                        }
                    }
                }
            }
        }
    }

    /** Compares every page present in both; returns {pages compared, of which all-zero}. */
    private static long[] comparePages(Dump a, Dump b) throws IOException {
        byte[] pa = new byte[a.pageSize()];
        byte[] pb = new byte[b.pageSize()];
        byte[] zero = new byte[a.pageSize()];
        long[] n = {0, 0};
        a.forEachPresentPfn(pfn -> {
            if (b.pageState(pfn) != PageState.PRESENT) {
                return;
            }
            assertInstanceOf(ReadResult.Ok.class, a.readPage(pfn, pa), a.name() + " pfn " + pfn);
            assertInstanceOf(ReadResult.Ok.class, b.readPage(pfn, pb), b.name() + " pfn " + pfn);
            assertArrayEquals(pa, pb, () -> "pfn 0x" + Long.toHexString(pfn) + " differs: " + a.name() + " vs " + b.name());
            n[0]++;
            if (java.util.Arrays.equals(pa, zero)) {
                n[1]++;
            }
        });
        return n;
    }

    @Test
    void genuineKdumpNotesCarryRealPidsAndTheCrashSetupRegisters() throws IOException {
        Path dump = Fixtures.variants(Fixtures.dir("6.1-kdump-sysrq")).get(0);
        try (Dump d = Dumps.open(dump)) {
            List<CpuRegisters> regs = d.cpuRegisters();
            // drgn.json prstatus_pr_pids: [121, 1]; CPU 1 panicked in __crash_kexec (crash_setup_regs).
            assertEquals(List.of(121, 1), regs.stream().map(CpuRegisters::pid).toList());
            assertEquals(0xffffffff87d741baL, regs.get(1).rip());
        }
    }

    @Test
    void qemuNotesCarryVcpuIndexPlusOneAndRegistersAtDumpTime() throws IOException {
        try (Dump d = Dumps.open(Fixtures.dir("6.12-qemu-sysrq").resolve("vmcore.zstd-d31"))) {
            List<CpuRegisters> regs = d.cpuRegisters();
            assertEquals(List.of(1, 2), regs.stream().map(CpuRegisters::pid).toList());
            assertEquals(0xffffffffab0dd637L, regs.get(1).rip()); // delay_tsc, in panic()'s mdelay loop
            assertTrue(d.notes().stream().anyMatch(n -> n.name().equals("QEMU")), "QEMU's own notes kept raw");
        }
    }

    @Test
    void kdumpHeaderCarriesUtsnameTimestampAndPhysBase() throws IOException {
        Path dump = Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.zstd-d31");
        try (Dump d = Dumps.open(dump)) {
            DumpHeader h = d.header();
            assertEquals("vmcore-lab", h.utsname().orElseThrow().nodename());
            assertEquals(PageCodec.ZSTD, h.compression());
            assertEquals(262109, h.maxPfn());
            assertTrue(h.headerVersion().getAsInt() >= 6);
            String vi = d.vmcoreinfo().orElseThrow();
            Matcher m = Pattern.compile("NUMBER\\(phys_base\\)=(-?\\d+)").matcher(vi);
            if (m.find()) {
                assertEquals(Long.parseLong(m.group(1)), h.physBase().getAsLong());
            }
        }
    }

    static String jsonString(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), key);
        return m.group(1);
    }

    static String jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), key);
        return m.group(1);
    }
}
