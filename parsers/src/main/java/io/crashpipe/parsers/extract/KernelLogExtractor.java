package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.KernelLogReader;

/** The kernel log (printk buffer), whatever layout the kernel used. */
public enum KernelLogExtractor implements Extractor<KernelLog> {
    INSTANCE;

    @Override
    public String section() {
        return "log";
    }

    @Override
    public KernelLog extract(Extraction x) {
        return KernelLogReader.read(x.view().memory(), x.view().vmcoreinfo());
    }
}
