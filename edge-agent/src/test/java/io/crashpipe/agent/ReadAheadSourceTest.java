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
}
