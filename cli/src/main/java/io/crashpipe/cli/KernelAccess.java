package io.crashpipe.cli;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a dump's kernel view for one command and turns kernel-reading failures into user errors. */
final class KernelAccess {
    private KernelAccess() {}

    interface Action {
        void run(KernelView view) throws IOException;
    }

    /** For commands that also need the dump itself (its CPU register notes). */
    interface DumpAction {
        void run(Dump dump, KernelView view) throws IOException;
    }

    static void with(Path path, Action action) throws IOException {
        withDump(path, (dump, view) -> action.run(view));
    }

    static void withDump(Path path, DumpAction action) throws IOException {
        try (Dump d = Dumps.open(path)) {
            try {
                action.run(d, KernelView.of(d));
            } catch (MemoryFault e) {
                throw new IOException(path + ": kernel memory needed here is not in the dump: " + e.getMessage(), e);
            } catch (IllegalStateException e) { // includes MissingVmcoreinfoException {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        }
    }
}
