package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.btf.NoBtfException;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.memory.Fact;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The kernel's BTF, shared by the sections that need layouts; empty when the kernel has none. */
public enum BtfExtractor implements Extractor<Optional<Btf>> {
    INSTANCE;

    @Override
    public String section() {
        return "btf";
    }

    @Override
    public Optional<Btf> extract(Extraction x) {
        try {
            return KernelBtf.find(x.view());
        } catch (DumpFormatException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The BTF for a section's layouts, or why there is none (no BTF, a missing page, bad data). */
    public static Fact<Btf> of(Extraction x) {
        return Fact.read(() -> x.require(INSTANCE).orElseThrow(() -> new NoBtfException(x.view().hasKallsyms()
                ? "the kernel has no BTF (no __start_BTF/__stop_BTF in kallsyms)"
                : "the kernel's BTF cannot be located without kallsyms")));
    }
}
