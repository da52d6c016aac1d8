package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.module.ModuleListReader;
import java.util.List;
import java.util.Optional;

/** crash's {@code mod}: the loaded modules; empty when the kernel has no BTF. */
public enum ModuleListExtractor implements Extractor<Optional<List<KernelModule>>> {
    INSTANCE;

    @Override
    public String section() {
        return "mod";
    }

    @Override
    public Optional<List<KernelModule>> extract(Extraction x) {
        return x.require(BtfExtractor.INSTANCE).map(btf -> ModuleListReader.read(x.view(), btf));
    }
}
