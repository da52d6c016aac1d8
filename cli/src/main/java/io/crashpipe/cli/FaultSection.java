package io.crashpipe.cli;

import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.triage.dis.CrashDisFormat;
import io.crashpipe.parsers.triage.dis.KernelDisassembly;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.triage.taint.TaintReader;
import io.crashpipe.parsers.unwind.Backtrace;
import io.crashpipe.parsers.unwind.BacktraceReader;
import io.crashpipe.parsers.unwind.ExceptionFrame;
import io.crashpipe.parsers.unwind.TraceStep;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.util.List;

/**
 * analyze's fault section: the taint ({@code sys -t}) and the instruction at the RIP of the panic
 * task's kernel exception frame ({@code dis -r}'s last line), each "unknown" with its reason
 * when it cannot be read.
 */
final class FaultSection {
    private FaultSection() {}

    static String text(KernelView view, List<CpuRegisters> notes) {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append(TaintReader.read(view, KernelBtf.require(view)).crashText());
        } catch (RuntimeException | IOException e) {
            waitIfNotArrived(e);
            sb.append("TAINTED_MASK: unknown (").append(e.getMessage()).append(")\n");
        }
        sb.append("FAULTING INSTRUCTION: ").append(faulting(view, notes)).append('\n');
        return sb.toString();
    }

    private static String faulting(KernelView view, List<CpuRegisters> notes) {
        try {
            BacktraceReader reader = BacktraceReader.withoutBtf(view, notes);
            if (reader.cpus() == 0) {
                return "unknown (the dump has no CPU register notes)";
            }
            Backtrace bt = reader.forCpu(reader.panicCpu().orElse(0));
            for (TraceStep s : bt.steps()) {
                if (s instanceof ExceptionFrame e && !e.fromNote() && !e.regs().userMode()) {
                    KernelDisassembly dis = DisCommand.disassembly(view);
                    return new CrashDisFormat(dis::symbolize).line(dis.from(e.regs().pc(), 1).get(0));
                }
            }
            return "none (the panic task's stack has no kernel exception frame: panic() was called directly)";
        } catch (RuntimeException | IOException e) {
            waitIfNotArrived(e);
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A page still to come (streaming) is never reported unknown: the pass must wait for it. */
    private static void waitIfNotArrived(Exception e) {
        if (e instanceof MemoryFault f) {
            MemoryFault.propagateIfWaiting(f);
        }
    }
}
