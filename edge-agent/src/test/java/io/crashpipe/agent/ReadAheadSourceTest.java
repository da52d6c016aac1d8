package io.crashpipe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadAheadSourceTest {
    @Test
    void readsTheSameBytesAsTheFileAtAnyOffsetAndLength(@TempDir Path dir) throws IOException {
        byte[] content = new byte[3 * ReadAheadSource.WINDOW + 12345];
        new Random(18).nextBytes(content);
        Path f = Files.write(dir.resolve("dump"), content);
        Random r = new Random(5);
        try (ReadAheadSource src = new ReadAheadSource(f)) {
            for (int i = 0; i < 2000; i++) {
                int len = i % 50 == 0 ? ReadAheadSource.WINDOW : 1 + r.nextInt(8192);
                long off = i % 3 == 0 ? (long) i * 4096 % (content.length - len) : r.nextInt(content.length - len + 1);
                byte[] got = new byte[len];
                src.readFully(off, got, 0, len, "test bytes");
                assertArrayEquals(Arrays.copyOfRange(content, (int) off, (int) off + len), got, "at " + off + " len " + len);
            }
            // the last bytes of the file, where the window is cut short
            byte[] tail = new byte[100];
            src.readFully(content.length - 100, tail, 0, 100, "tail");
            assertArrayEquals(Arrays.copyOfRange(content, content.length - 100, content.length), tail);
            assertThrows(IOException.class, () -> src.readFully(content.length - 10, new byte[20], 0, 20, "past the end"));
        }
    }

    @Test
    void aSparseFilesHolesReadAsZeroAndTheKernelNamesWhereDataResumes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sparse");
        byte[] head = new byte[64 * 1024];
        byte[] tail = new byte[64 * 1024];
        new Random(1).nextBytes(head);
        new Random(2).nextBytes(tail);
        long tailAt = 64L << 20;
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.seek(tailAt);
            raf.write(tail);
            raf.setLength(128L << 20); // a hole up to the end, too
        }
        java.util.Optional<FileHoles> holes = FileHoles.open(f, Files.size(f));
        if (holes.isPresent()) { // JDK 22+ (the foreign-function API) on a file system with holes
            try (FileHoles h = holes.get()) {
                org.junit.jupiter.api.Assertions.assertEquals(0, h.dataFrom(0));
                org.junit.jupiter.api.Assertions.assertEquals(tailAt, h.dataFrom(1 << 20));
                org.junit.jupiter.api.Assertions.assertEquals(128L << 20, h.dataFrom(tailAt + (1 << 20)), "a hole to the end");
            }
        }
        try (ReadAheadSource src = new ReadAheadSource(f)) {
            byte[] page = new byte[4096];
            for (long off = 0; off < (128L << 20); off += 4096) {
                java.util.Arrays.fill(page, (byte) 7);
                src.readFully(off, page, 0, 4096, "page");
                byte[] want = off < head.length ? Arrays.copyOfRange(head, (int) off, (int) off + 4096)
                        : off >= tailAt && off < tailAt + tail.length
                                ? Arrays.copyOfRange(tail, (int) (off - tailAt), (int) (off - tailAt) + 4096) : new byte[4096];
                assertArrayEquals(want, page, "at " + off);
            }
        }
    }
}
