package io.crashpipe.parsers.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel address space rebuilt from VMCOREINFO alone, on the real dumps. */
class KernelViewFixtureTest {

    /** The kdump-compressed files (they record which pages the dump level excluded). */
    static Stream<Path> kdumpVariants() {
        // x86_64: the direct map base (page_offset_base) and linux_banner are x86 kallsyms data symbols.
        return Fixtures.dumpDirs().stream().filter(d -> !d.getFileName().toString().startsWith("arm64-"))
                .flatMap(d -> Fixtures.variants(d).stream())
                .filter(p -> p.getFileName().toString().matches("vmcore\\.(zstd|zlib|lzo)-d31|dump\\.\\d+"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kdumpVariants")
    void directMapReadOfAnExcludedPageIsUnavailableNamingTheVirtualAddressAndPfn(Path variant) throws Exception {
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            long pfn = 0x1000;
            while (d.pageState(pfn) != PageState.EXCLUDED) {
                pfn++;
            }
            long vaddr = v.directMapBase().getAsLong() + pfn * 4096 + 0x18;
            ReadResult r = v.memory().tryRead(vaddr, new byte[8], 0, 8);
            Unavailable u = assertInstanceOf(Unavailable.class, r);
            assertTrue(u.virtual());
            assertEquals(vaddr, u.address());
            assertEquals(pfn, u.pfn());
            assertEquals(Unavailable.Reason.EXCLUDED, u.reason());
            assertTrue(u.describe().contains(Long.toHexString(vaddr)) && u.describe().contains(Long.toHexString(pfn)),
                    u.describe());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kdumpVariants")
    void kernelTextAndDirectMapAgreeOnTheBannerBytes(Path variant) throws Exception {
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            long banner = v.requireSymbol("linux_banner");
            String text = v.memory().cString(banner, 256);
            assertTrue(text.startsWith("Linux version " + v.vmcoreinfo().osrelease().orElseThrow() + " "), text);
            // The same bytes through the direct map: kernel-image translation and page walk agree.
            long paddr = assertInstanceOf(Translation.Mapped.class, v.memory().addressSpace().translate(banner)).paddr();
            long direct = v.directMapBase().getAsLong() + paddr;
            assertEquals(text, new String(v.memory().read(direct, text.length()), StandardCharsets.UTF_8));
            assertEquals(4, v.memory().addressSpace().pagingLevels()); // the fixtures run with la57=off
        }
    }
}
