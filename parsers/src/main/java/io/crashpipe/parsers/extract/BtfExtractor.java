package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.io.DumpFormatException;
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
}
