package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.kallsyms.SymbolOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Backtraces in the layout of crash's {@code bt}: a task header, numbered frames
 * ({@code #n [stack slot] function at pc}), register blocks for interrupted contexts
 * ({@code [exception RIP: function+decimal]}) and {@code --- <IRQ stack> ---} where the unwind
 * leaves a special stack. Frames found by scanning the stack are shown with "? " before the
 * name, as the kernel shows them.
 */
public final class CrashBtFormat {
    /** Functions whose crash_setup_regs snapshot is a call site, not an interrupted instruction. */
    private static final Set<String> CRASH_SNAPSHOT = Set.of("__crash_kexec", "crash_kexec");

    private CrashBtFormat() {}

    public static String text(List<Backtrace> traces) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < traces.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(text(traces.get(i)));
        }
        return out.toString();
    }

    public static String text(Backtrace bt) {
        StringBuilder out = new StringBuilder();
        out.append(header(bt)).append('\n');
        // Right under the header, so that a damaged trace is never read as a whole one.
        bt.incomplete().ifPresent(why -> out.append("    incomplete: ").append(why).append('\n'));
        List<TraceStep> steps = bt.steps();
        int n = 0;
        for (int i = 0; i < steps.size(); i++) {
            TraceStep step = steps.get(i);
            boolean first = i == 0;
            switch (step) {
                case Frame f when f.fromRegisters() && first -> {
                    if (f.name().filter(CRASH_SNAPSHOT::contains).isPresent()) {
                        out.append(frameLine(n++, bt.note().map(Registers::sp).orElse(Frame.NO_SLOT), f));
                    } else {
                        out.append(exceptionRip(f.symbol()));
                        bt.note().ifPresent(r -> out.append(r.layout().crashBlock(r, false)));
                    }
                }
                case Frame f when f.fromRegisters() -> {
                    // Shown with the register block of the ExceptionFrame just before it.
                }
                case Frame f -> out.append(frameLine(n++, f.slot(), f));
                case ExceptionFrame e -> {
                    if (!e.regs().userMode()) {
                        out.append(exceptionRip(e.regs().pc(), steps, i));
                    }
                    out.append(e.regs().layout().crashBlock(e.regs(), !e.fromNote()));
                }
                case StackSwitch s -> out.append("--- <").append(s.left().label()).append("> ---\n");
            }
        }
        return out.toString();
    }

    private static String header(Backtrace bt) {
        String pid = bt.task().flatMap(t -> t.pid().isPresent() ? Optional.of(Integer.toString(t.pid().getAsInt()))
                : Optional.empty()).orElse("?");
        String task = bt.task().map(t -> String.format("%016x", t.task())).orElse("?");
        String comm = bt.task().flatMap(TaskRef::comm).orElse("?");
        return String.format("PID: %-7s  TASK: %s  CPU: %-3d  COMMAND: \"%s\"", pid, task, bt.cpu(), comm);
    }

    private static String frameLine(int n, long slot, Frame f) {
        String name = f.name().orElse("(unknown)");
        return String.format("%s#%d [%016x] %s%s at %016x%s%n", n < 10 ? " " : "", n, slot, f.reliable() ? "" : "? ",
                name, f.pc(), f.module().map(m -> " [" + m + "]").orElse(""));
    }

    private static String exceptionRip(long ip, List<TraceStep> steps, int at) {
        Optional<SymbolOffset> sym = Optional.empty();
        // The interrupted ip is the next frame, after a stack change if the exception had its own stack.
        for (int i = at + 1; i < steps.size() && !(steps.get(i) instanceof ExceptionFrame); i++) {
            if (steps.get(i) instanceof Frame f) {
                if (f.fromRegisters() && f.pc() == ip) {
                    sym = f.symbol();
                }
                break;
            }
        }
        return exceptionRip(sym);
    }

    private static String exceptionRip(Optional<SymbolOffset> sym) {
        return "    [exception RIP: " + sym.map(s -> s.name() + "+" + s.offset()).orElse("unknown or invalid address")
                + "]\n";
    }
}
