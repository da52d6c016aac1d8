package io.crashpipe.parsers.view;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExploreTest {
    @Test
    void explore() throws Exception {
        for (Path dir : Fixtures.dumpDirs()) {
            Path p = Fixtures.variants(dir).get(0);
            try (Dump d = Dumps.open(p)) {
                KernelView v = KernelView.of(d);
                long t0 = System.nanoTime();
                Kallsyms k = v.kallsyms();
                System.out.println(dir.getFileName() + " " + p.getFileName() + " syms=" + k.size() + " enc=" + k.encoding()
                        + " ms=" + (System.nanoTime() - t0) / 1_000_000);
                for (String n : new String[] {"_text", "panic", "init_task", "page_offset_base", "jiffies_64", "avenrun",
                        "tk_core", "cpu_khz", "tick_nsec", "__cpu_online_mask", "__cpu_present_mask", "totalram_pages",
                        "_totalram_pages", "panic_cpu", "linux_banner", "_end"}) {
                    System.out.println("  " + n + " " + k.symbol(n).map(s -> Long.toHexString(s.address()) + " " + s.type()).orElse("-"));
                }
                System.out.println("  directmap " + Long.toHexString(v.directMapBase().getAsLong()));
                System.out.println("  sym(panic+0x344) " + k.symbolize(k.address("panic").getAsLong() + 0x344));
                long jb = v.memory().u64(k.address("jiffies_64").getAsLong());
                System.out.println("  jiffies_64 " + jb + " tick_nsec " + v.memory().u64(k.address("tick_nsec").getAsLong()));
            }
        }
    }
}
