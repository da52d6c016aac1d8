package io.crashpipe.parsers.printk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KernelLogFixtureTest {

    static Stream<Arguments> everyVariant() {
        return Fixtures.allDumpDirs().stream()
                .flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void logIsByteIdenticalToMakedumpfileDumpDmesg(Path dir, Path variant) throws Exception {
        byte[] expected = Files.readAllBytes(Fixtures.truth(dir, "dmesg.makedumpfile.txt"));
        try (Dump d = Dumps.open(variant)) {
            KernelLog log = KernelLogReader.read(KernelView.of(d).memory(), KernelView.of(d).vmcoreinfo());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MakedumpfileDmesg.write(log, out);
            if (!java.util.Arrays.equals(expected, out.toByteArray())) {
                Files.write(Path.of("target", dir.getFileName() + ".dmesg.txt"), out.toByteArray());
            }
            assertArrayEquals(expected, out.toByteArray(), variant + " differs; see target/");
            assertEquals(LogFormat.LOCKLESS_RING, log.format());
        }
    }
}
