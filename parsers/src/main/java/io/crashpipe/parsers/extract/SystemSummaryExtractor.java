package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.kernel.FieldOffsets;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.sys.SystemSummaryReader;

/** crash's {@code sys} fields; the panic message comes from the kernel log section. */
public enum SystemSummaryExtractor implements Extractor<SystemSummary> {
    INSTANCE;

    @Override
    public String section() {
        return "sys";
    }

    @Override
    public SystemSummary extract(Extraction x) {
        return SystemSummaryReader.read(x.view(), x.require(KernelLogExtractor.INSTANCE),
                FieldOffsets.of(x.view().vmcoreinfo()));
    }
}
