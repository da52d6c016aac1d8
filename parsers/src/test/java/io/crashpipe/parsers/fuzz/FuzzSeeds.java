package io.crashpipe.parsers.fuzz;

import io.crashpipe.parsers.kernel.SparseMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the committed fuzz seeds: each fuzz test class has a {@code writeSeeds} test, enabled
 * only with {@code -Dcrashpipe.writeFuzzSeeds=true}, that builds its seeds from the fixtures or
 * the synthetic images and stores them where Jazzer replays them
 * ({@code src/test/resources/<package>/<Class>Inputs/<method>/}).
 */
public final class FuzzSeeds {
    public static final String ENABLE = "crashpipe.writeFuzzSeeds";

    private FuzzSeeds() {}

    public static void write(Class<?> fuzzTest, String method, String name, byte[] seed) throws IOException {
        Path dir = Path.of("src/test/resources", fuzzTest.getPackageName().replace('.', '/'),
                fuzzTest.getSimpleName() + "Inputs", method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), seed);
    }

    /** The bytes of a synthetic image from {@code start} for {@code len} bytes; pages never written read as zeros. */
    public static byte[] slice(SparseMemory m, long start, int len) {
        byte[] out = new byte[len];
        byte[] one = new byte[1];
        for (int i = 0; i < len; i++) {
            if (m.tryRead(start + i, one, 0, 1) instanceof io.crashpipe.parsers.memory.ReadResult.Ok) {
                out[i] = one[0];
            }
        }
        return out;
    }
}
