package io.crashpipe.parsers.dump.kdump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KdumpWriterTest {

    @Test
    void writtenSubsetReadsBackByteIdenticalWithEveryOtherRamPageExcluded(@TempDir Path tmp) throws Exception {
        Path source = Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.lzo-d31");
        Path out = tmp.resolve("subset.kdump");
        try (Dump src = Dumps.open(source)) {
            List<Long> keep = new ArrayList<>();
            src.forEachPresentPfn(pfn -> {
                if (pfn % 97 == 0) {
                    keep.add(pfn);
                }
            });
            KdumpWriter.Written w = KdumpWriter.write(src, keep.stream().mapToLong(Long::longValue).toArray(), out);
            assertEquals(keep.size(), w.pages());
            assertEquals(Files.size(out), w.bytes());
            try (Dump copy = Dumps.open(out)) {
                assertEquals(src.vmcoreinfo(), copy.vmcoreinfo());
                assertEquals(src.cpuRegisters().size(), copy.cpuRegisters().size());
                assertEquals(src.cpuRegisters().get(1).rip(), copy.cpuRegisters().get(1).rip());
                assertEquals(src.countPages().inRam(), copy.countPages().inRam());
                assertEquals(keep.size(), copy.countPages().dumped());
                byte[] a = new byte[4096];
                byte[] b = new byte[4096];
                for (long pfn : keep) {
                    assertEquals(ReadResult.OK, src.readPage(pfn, a));
                    assertEquals(ReadResult.OK, copy.readPage(pfn, b));
                    assertArrayEquals(a, b, "pfn " + pfn);
                }
                long notKept = keep.get(0) + 1;
                assertEquals(src.pageState(notKept) == PageState.NOT_IN_RAM ? PageState.NOT_IN_RAM : PageState.EXCLUDED,
                        copy.pageState(notKept));
            }
        }
    }
}
