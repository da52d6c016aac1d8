package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.sched.TaskTableReader;
import java.util.Optional;

/** crash's {@code ps}: every task; empty when the kernel has no BTF (layouts unknown, never guessed). */
public enum TaskTableExtractor implements Extractor<Optional<TaskTable>> {
    INSTANCE;

    @Override
    public String section() {
        return "ps";
    }

    @Override
    public Optional<TaskTable> extract(Extraction x) {
        return x.require(BtfExtractor.INSTANCE).map(btf -> TaskTableReader.read(x.view(), btf));
    }
}
