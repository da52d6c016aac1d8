package io.crashpipe.parsers.kallsyms;

import static io.crashpipe.parsers.fuzz.FuzzRules.expectTypedErrors;
import static io.crashpipe.parsers.kallsyms.KallsymsFuzzTest.STEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.fuzz.FuzzSeeds;
import io.crashpipe.parsers.fuzz.FuzzSegments;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzz target for the kallsyms search in the kernel image (before Linux 6.0, where VMCOREINFO
 * names no table). The input is the image from {@code _stext}, {@link #IMAGE} bytes at most
 * (zeros after the input, as the rest of a page), with VMCOREINFO bounding the image there. The
 * seed is a 300-symbol window of the 5.10 fixture's real tables in 5.10's order (offsets,
 * relative_base, num_syms, names, markers, token_table, token_index), rebased so that
 * {@code _stext} decodes where VMCOREINFO says it is.
 */
class KallsymsScanFuzzTest {
    static final int IMAGE = 0x4000;
    private static final Vmcoreinfo VI = Vmcoreinfo.parse("OSRELEASE=5.10.0\nSYMBOL(_stext)=" + Long.toHexString(STEXT)
            + "\nNUMBER(KERNEL_IMAGE_SIZE)=" + IMAGE + "\n");

    @FuzzTest(maxDuration = "5s")
    void kallsymsScan(byte[] data) {
        VirtualMemory image = image(data);
        expectTypedErrors(() -> KallsymsFuzzTest.exercise(KallsymsScanner.scan(image, VI)));
    }

    private static VirtualMemory image(byte[] data) {
        return new FuzzSegments(List.of(Arrays.copyOf(data, IMAGE))).map(STEXT);
    }

    /** The seeds are found by the scan, with _stext where VMCOREINFO puts it. */
    @Test
    void everySeedIsFoundByTheScan() throws IOException {
        Path dir = Path.of("src/test/resources", getClass().getPackageName().replace('.', '/'),
                getClass().getSimpleName() + "Inputs", "kallsymsScan");
        try (Stream<Path> seeds = Files.list(dir)) {
            for (Path seed : seeds.filter(p -> !p.getFileName().toString().startsWith("crash-")).toList()) {
                Kallsyms k = KallsymsScanner.scan(image(Files.readAllBytes(seed)), VI);
                assertEquals(STEXT, k.address("_stext").orElseThrow(), seed.toString());
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.ENABLE, matches = "true")
    void writeSeeds() throws Exception {
        try (Dump d = Dumps.open(Fixtures.variants(Fixtures.dir("5.10-qemu-sysrq")).get(0))) {
            KernelView v = KernelView.of(d);
            Kallsyms k = v.kallsyms();
            ByteArrayOutputStream img = new ByteArrayOutputStream();
            img.writeBytes(new byte[0x100]);
            long offsetsAt = STEXT + img.size();
            // More than 256 symbols: the search wants two markers at least, as every real table has.
            KallsymsFuzzTest.Window w = KallsymsFuzzTest.window(k, v.memory(), offsetsAt, 300);
            // scripts/kallsyms.c up to 6.1: every label .balign 8 on 64-bit.
            append(img, w.offsets());
            append(img, w.relativeBase());
            append(img, new byte[] {(byte) w.count(), (byte) (w.count() >>> 8), 0, 0});
            append(img, w.names());
            ByteBuffer markers = ByteBuffer.allocate(4 * w.markers().length).order(ByteOrder.LITTLE_ENDIAN);
            for (int m : w.markers()) {
                markers.putInt(m);
            }
            append(img, markers.array());
            append(img, w.tokenTable());
            append(img, w.tokenIndex());
            FuzzSeeds.write(getClass(), "kallsymsScan", "5.10-qemu-sysrq-window", img.toByteArray());
        }
    }

    private static void append(ByteArrayOutputStream img, byte[] b) {
        img.writeBytes(b);
        img.writeBytes(new byte[(8 - img.size() % 8) % 8]);
    }
}
