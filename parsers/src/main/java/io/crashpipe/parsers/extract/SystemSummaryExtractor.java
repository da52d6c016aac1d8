package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfFieldOffsets;
import io.crashpipe.parsers.kernel.FieldOffsets;
import io.crashpipe.parsers.sys.SystemSummary;
import io.crashpipe.parsers.sys.SystemSummaryReader;
import java.util.Optional;

/** crash's {@code sys} fields; the panic message comes from the kernel log section. */
public enum SystemSummaryExtractor implements Extractor<SystemSummary> {
    INSTANCE;

    @Override
    public String section() {
        return "sys";
    }

    @Override
    public SystemSummary extract(Extraction x) {
        // VMCOREINFO's offsets first, then whatever BTF knows.
        FieldOffsets offsets = FieldOffsets.of(x.view().vmcoreinfo());
        Optional<Btf> btf = x.require(BtfExtractor.INSTANCE);
        if (btf.isPresent()) {
            offsets = offsets.orElse(new BtfFieldOffsets(btf.get()));
        }
        return SystemSummaryReader.read(x.view(), x.require(KernelLogExtractor.INSTANCE), offsets);
    }
}
