package io.crashpipe.parsers.unwind;

import java.util.List;
import java.util.Optional;

/**
 * The backtrace of a task: the one running on a CPU (from that CPU's register note) or a
 * blocked one (from the frame it saved when it was switched out).
 *
 * @param cpu the CPU the task runs on, or last ran on when blocked
 * @param task the task, when the per-CPU data could be read
 * @param note the CPU note the trace started from; empty for a blocked task
 * @param steps frames, saved register sets and stack changes, innermost first
 * @param method how the frames were found
 * @param stop why the unwind data (ORC, frame pointers) gave out early, when it did (the frames
 *     after that point come from the next layer: frame pointers, a stack search or a scan, the
 *     last two marked unreliable where nothing anchors them)
 * @param taskUnknown why the task on the CPU could not be read, when it could not
 */
public record Backtrace(int cpu, Optional<TaskRef> task, Optional<Registers> note, List<TraceStep> steps, Method method,
        Optional<String> stop, Optional<String> taskUnknown) {

    public Backtrace {
        steps = List.copyOf(steps);
    }

    public Backtrace(int cpu, Optional<TaskRef> task, Optional<Registers> note, List<TraceStep> steps, Method method,
            Optional<String> stop) {
        this(cpu, task, note, steps, method, stop, Optional.empty());
    }

    /** The same trace, saying why the task on its CPU could not be read. */
    public Backtrace withTaskUnknown(String why) {
        return new Backtrace(cpu, task, note, steps, method, stop, Optional.of(why));
    }

    public enum Method {
        /** ORC from the note's registers. */
        ORC,
        /**
         * The note holds the interrupted user-mode registers (a genuine kdump's other CPUs are
         * stopped by an NMI): the kernel frames were found by trying stack words as return
         * addresses until ORC unwinds one to the user registers at the stack top.
         */
        ORC_FROM_STACK_SCAN,
        /** ORC from the frame a blocked task saved at its last context switch. */
        ORC_FROM_SWITCH_FRAME,
        /** No ORC data: stack words that point into kernel text, possibly stale. */
        STACK_SCAN,
        /** Frame records linked by the frame pointer (arm64, and x86_64 kernels built without ORC). */
        FRAME_POINTER,
        /** ORC until it gave out ({@link Backtrace#stop}), then a frame-pointer chain that reached the stack's end. */
        ORC_THEN_FRAME_POINTER
    }

    /**
     * Why this trace is likely cut short by damage (its ORC tables, stack pages, page tables or
     * register note), empty when it looks whole. A kernel context unwinds through at least
     * {@value #MIN_FRAMES} frames before it reaches its stack's end (the panic, switch or idle path
     * and their callers), so a trace with fewer whose unwind gave out, or with no frame at all
     * from kernel-mode registers, is flagged; so is a CPU whose task could not be read.
     */
    public Optional<String> incomplete() {
        List<String> why = new java.util.ArrayList<>();
        int n = frames().size();
        // Frames a stack scan found ('?') may be stale: they do not make a cut-short unwind whole.
        int unwound = (int) frames().stream().filter(Frame::reliable).count();
        boolean kernelStart = note.map(r -> !r.userMode()).orElse(true);
        if (n == 0 && kernelStart) {
            why.add("no frame could be unwound" + stop.map(s -> " (" + s + ")").orElse(""));
        } else if (unwound < MIN_FRAMES && stop.isPresent()) {
            why.add("the unwind stopped after " + unwound + (unwound == 1 ? " frame (" : " frames (") + stop.get() + ")"
                    + (n - unwound == 1 ? "; the frame marked '?' is a guess from the stack"
                            : n > unwound ? "; the " + (n - unwound) + " frames marked '?' are guesses from the stack" : ""));
        }
        if (task.isEmpty()) {
            why.add("the task running on CPU " + cpu + " could not be read" + taskUnknown.map(w -> " (" + w + ")").orElse(""));
        } else if (task.get().pid().isEmpty()) {
            why.add("the PID of task " + String.format("%x", task.get().task()) + " could not be read");
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /** Fewer frames than this, with the unwind data giving out, is a damaged trace (see {@link #incomplete}). */
    public static final int MIN_FRAMES = 3;

    public List<Frame> frames() {
        return steps.stream().filter(Frame.class::isInstance).map(Frame.class::cast).toList();
    }
}
