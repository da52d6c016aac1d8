package io.crashpipe.parsers.view;

import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.orc.OrcTable;
import java.util.List;
import java.util.Optional;

/**
 * Where the three tables that stand in for debug symbols were found in a dump: kallsyms
 * (VMCOREINFO or the image scan), then BTF and ORC (both located through kallsyms).
 */
public final class TableSurvey {
    private TableSurvey() {}

    /** kallsyms, BTF and ORC, in that order; each says where it came from and how long finding it took. */
    public static List<TableFinding> of(KernelView view) {
        return List.of(view.kallsymsFinding(), KernelBtf.locate(view), orc(view));
    }

    static TableFinding orc(KernelView view) {
        TableFinding ks = view.kallsymsFinding();
        TableFinding.Stopwatch clock = TableFinding.start();
        TableFinding.Source source = ks.source();
        String detail;
        if (!ks.found()) {
            source = TableFinding.Source.ABSENT;
            detail = "ORC cannot be located because kallsyms was not found";
        } else {
            try {
                Optional<OrcTable> orc = OrcTable.locate(view.kallsyms(), view.memory());
                if (orc.isPresent()) {
                    long start = view.kallsyms().address("__start_orc_unwind_ip").getAsLong();
                    detail = String.format("%d entries (flags format %s), .orc_unwind_ip at 0x%x, from kallsyms (%s)",
                            orc.get().size(), orc.get().format(), start,
                            ks.source() == TableFinding.Source.SCAN ? "found by the image scan" : "named by VMCOREINFO");
                } else {
                    source = TableFinding.Source.ABSENT;
                    detail = "no __start_orc_unwind_ip/__stop_orc_unwind_ip/__start_orc_unwind in kallsyms"
                            + " (kernel built without CONFIG_UNWINDER_ORC)";
                }
            } catch (MemoryFault e) {
                MemoryFault.propagateIfWaiting(e);
                source = TableFinding.Source.ABSENT;
                detail = "the ORC tables cannot be read: " + e.unavailable().describe();
            } catch (IllegalStateException e) {
                source = TableFinding.Source.ABSENT;
                detail = "the ORC tables kallsyms points at do not decode: " + e.getMessage();
            }
        }
        return clock.finish("ORC", source, detail);
    }
}
