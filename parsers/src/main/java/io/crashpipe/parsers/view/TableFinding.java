package io.crashpipe.parsers.view;

import java.time.Duration;

/**
 * How one of the tables crashpipe reads instead of debug symbols (kallsyms, BTF, ORC) was found
 * in a dump, and how long finding it took.
 *
 * @param table "kallsyms", "BTF" or "ORC"
 * @param source where its location came from; for BTF and ORC, how the kallsyms that locate them was found
 * @param detail where the table is and what it holds, or why it is absent
 * @param elapsed time spent finding (and, for kallsyms, decoding) it
 */
public record TableFinding(String table, Source source, String detail, Duration elapsed) {

    public enum Source {
        /** VMCOREINFO names the table (kallsyms on 6.0+), or names the kallsyms that locates it. */
        VMCOREINFO,
        /** Found by scanning the kernel image, or located through kallsyms that the scan found. */
        SCAN,
        /** Not in the dump; {@code detail} says why. */
        ABSENT
    }

    public boolean found() {
        return source != Source.ABSENT;
    }

    /** {@code 12.3 ms} style, for text output. */
    public String elapsedText() {
        return String.format("%.1f ms", elapsed.toNanos() / 1e6);
    }
}
