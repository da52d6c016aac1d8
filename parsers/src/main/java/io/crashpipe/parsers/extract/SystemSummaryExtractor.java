package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.memory.Fact;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.sys.SystemSummaryReader;

/**
 * crash's {@code sys} fields, each read on its own: the panic message comes from the log
 * section and layouts from BTF, and when either cannot be had only the fields that need it are
 * unknown.
 */
public enum SystemSummaryExtractor implements Extractor<SystemSummary> {
    INSTANCE;

    @Override
    public String section() {
        return "sys";
    }

    @Override
    public SystemSummary extract(Extraction x) {
        return SystemSummaryReader.read(x.view(), Fact.read(() -> x.require(KernelLogExtractor.INSTANCE)),
                BtfExtractor.of(x));
    }
}
