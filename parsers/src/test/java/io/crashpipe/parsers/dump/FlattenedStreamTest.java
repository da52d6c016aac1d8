package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.flat.FlattenedStreamReader;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The flattened format read forward only, as from a pipe, gives the same pages as random access. */
class FlattenedStreamTest {

    private static Path flat() {
        return Fixtures.dir("6.1-kdump-sysrq").resolve("vmcore.flat-zlib-d31");
    }

    @Test
    void forwardOnlyReadingYieldsEveryPageOfTheRandomAccessView() throws IOException {
        try (Dump random = Dumps.open(flat()); InputStream in = new BufferedInputStream(Files.newInputStream(flat()))) {
            long[] seen = {0, -1};
            byte[] expected = new byte[random.pageSize()];
            Dump[] meta = {null};
            long n = new FlattenedStreamReader(flat().toString(), 32L << 20).read(in, new FlattenedStreamReader.Listener() {
                @Override
                public void onMetadata(Dump m) {
                    meta[0] = m;
                }

                @Override
                public void onPage(long pfn, byte[] page) {
                    assertTrue(pfn > seen[1], "pages come in pfn order");
                    seen[1] = pfn;
                    assertInstanceOf(ReadResult.Ok.class, random.readPage(pfn, expected));
                    assertArrayEquals(expected, page, "pfn 0x" + Long.toHexString(pfn));
                    seen[0]++;
                }
            });
            assertEquals(random.countPages().dumped(), n);
            assertEquals(n, seen[0]);
            assertEquals(random.vmcoreinfo(), meta[0].vmcoreinfo());
            assertEquals(2, meta[0].cpuRegisters().size());
        }
    }

    @Test
    void aReorderBufferTooSmallForTheStreamFailsClearly() throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(flat()))) {
            DumpFormatException e = assertThrows(DumpFormatException.class,
                    () -> new FlattenedStreamReader("pipe", 4096).read(in, new FlattenedStreamReader.Listener() {
                        @Override
                        public void onMetadata(Dump m) {}

                        @Override
                        public void onPage(long pfn, byte[] page) {}
                    }));
            assertTrue(e.getMessage().startsWith("pipe: at offset "), e.getMessage());
            assertTrue(e.getMessage().contains("reorder buffer"), e.getMessage());
        }
    }
}
