package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.unwind.Symbolizer;

/**
 * What an architecture's unwinder reads: kernel memory, the kernel's own symbol table (for the
 * tables and per-CPU variables it names) and the symbolizer that names frames (kernel and
 * module symbols).
 */
public record UnwindContext(VirtualMemory memory, Kallsyms kallsyms, Symbolizer symbolizer) {

    /** Frames named from the kernel's kallsyms alone. */
    public static UnwindContext of(VirtualMemory memory, Kallsyms kallsyms) {
        return new UnwindContext(memory, kallsyms, kallsyms::symbolize);
    }
}
