package io.crashpipe.parsers.oops;

/** The stack a frame was printed in: x86 marks them with {@code <IRQ>}, {@code <NMI>}, {@code <TASK>}. */
public enum FrameSection {
    TASK, IRQ, SOFTIRQ, NMI, EXCEPTION, UNMARKED
}
