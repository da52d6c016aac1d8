package io.crashpipe.parsers.kallsyms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** kallsyms decoded by crashpipe against the lab's independent decode (vmcoreinfo-report.json). */
class KallsymsFixtureTest {
    /** The x86_64 fixtures whose lab report decoded kallsyms (through VMCOREINFO's tables). */
    static Stream<Path> fixtures() {
        return Fixtures.dumpDirs().stream().filter(d -> !d.getFileName().toString().startsWith("arm64-"))
                .filter(d -> {
                    try {
                        return Files.readString(Fixtures.truth(d, "vmcoreinfo-report.json")).contains("\"num_syms\"");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void symbolCountAndSampleAddressesMatchTheLabReport(Path dir) throws Exception {
        String report = Files.readString(Fixtures.truth(dir, "vmcoreinfo-report.json"));
        Matcher num = Pattern.compile("\"num_syms\": (\\d+)").matcher(report);
        assertTrue(num.find());
        Path variant = Fixtures.variants(dir).get(0);
        try (Dump d = Dumps.open(variant)) {
            Kallsyms k = KernelView.of(d).kallsyms();
            assertEquals(Integer.parseInt(num.group(1)), k.size());
            assertEquals(AddressEncoding.ABSOLUTE_PERCPU, k.encoding());
            Matcher sample = Pattern.compile("\"(\\w+)\": \"([0-9a-f]{16}) (\\w)\"").matcher(report);
            int checked = 0;
            while (sample.find()) {
                KernelSymbol s = k.symbol(sample.group(1)).orElseThrow();
                assertEquals(Long.parseUnsignedLong(sample.group(2), 16), s.address(), sample.group(1));
                assertEquals(sample.group(3).charAt(0), s.type(), sample.group(1));
                checked++;
            }
            assertTrue(checked >= 10, "report samples checked: " + checked);
            long panic = k.address("panic").getAsLong();
            assertEquals("panic+0x10/0x" + Long.toHexString(k.symbolize(panic).orElseThrow().size()),
                    k.symbolize(panic + 0x10).orElseThrow().toString());
        }
    }

    @org.junit.jupiter.api.Test
    void symbolizeGivesTheKernelsOwnCallTraceOffsetsOn612() throws Exception {
        Path dir = Fixtures.dir("6.12-qemu-sysrq");
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            Kallsyms k = KernelView.of(d).kallsyms();
            // Frames the panicking kernel printed (drgn.json kernel_call_traces).
            for (String frame : new String[] {"panic+0x344/0x3a0", "sysrq_handle_crash+0x1a/0x20",
                    "__handle_sysrq+0xa7/0x1a0", "vfs_write+0xf8/0x450", "do_syscall_64+0x87/0x1b0"}) {
                String name = frame.substring(0, frame.indexOf('+'));
                long off = Long.parseLong(frame.substring(frame.indexOf("0x") + 2, frame.indexOf('/')), 16);
                assertEquals(frame, k.symbolize(k.address(name).getAsLong() + off).orElseThrow().toString());
            }
        }
    }
}
