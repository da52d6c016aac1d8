package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RdCommandTest {


    @Test
    void samePhysicalWordsPrintedFromEveryContainerVariant() throws Exception {
        long pfn = firstPfnWithDataAt0x40();
        String address = Long.toHexString(pfn * 4096 + 0x40);
        Set<String> outputs = new HashSet<>();
        for (Path variant : Fixtures.variants(kdump())) {
            CliRun run = CliRun.of("rd", "-p", variant.toString(), address, "8");
            assertEquals(0, run.exitCode(), variant + ": " + run.err());
            outputs.add(run.out());
        }
        assertEquals(1, outputs.size(), outputs.toString());
        String out = outputs.iterator().next();
        assertEquals(4, out.lines().count(), out);
        assertTrue(out.startsWith(String.format("%16s:  ", address)), out);
    }

    @Test
    void excludedPageIsAClearMessageNamingAddressAndPfn() throws Exception {
        long pfn = firstPfn(PageState.EXCLUDED);
        String address = Long.toHexString(pfn * 4096);
        CliRun run = CliRun.of("rd", "-p", kdump().resolve("vmcore.zstd-d31").toString(), address);
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(address) && run.err().contains("excluded"), run.err());
    }

    @Test
    void addressOutsideRamIsReportedNotInRam() {
        CliRun run = CliRun.of("rd", "-p", kdump().resolve("vmcore.zstd-d31").toString(), "0x7fff00000000");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().toLowerCase().contains("ram"), run.err());
    }

    private static Path kdump() {
        return Fixtures.dir("6.1-kdump-sysrq");
    }

    private static long firstPfnWithDataAt0x40() throws Exception {
        byte[] page = new byte[4096];
        try (Dump d = Dumps.open(kdump().resolve("vmcore.zstd-d31"))) {
            for (long pfn = 0x1000; pfn < d.header().maxPfn(); pfn++) {
                if (d.pageState(pfn) == PageState.PRESENT && d.readPage(pfn, page) == ReadResult.OK
                        && java.util.Arrays.mismatch(page, 0x40, 0x80, new byte[0x40], 0, 0x40) >= 0) {
                    return pfn;
                }
            }
        }
        throw new AssertionError("no present page with data");
    }

    private static long firstPfn(PageState wanted) throws Exception {
        try (Dump d = Dumps.open(kdump().resolve("vmcore.zstd-d31"))) {
            for (long pfn = 0x1000; pfn < d.header().maxPfn(); pfn++) {
                if (d.pageState(pfn) == wanted) {
                    return pfn;
                }
            }
        }
        throw new AssertionError("no page in state " + wanted);
    }

}
