package io.crashpipe.parsers.unwind;

/** The x86_64 kernel stacks a backtrace can cross, named as crash names them. */
public enum StackKind {
    TASK("process stack"),
    IRQ("IRQ stack"),
    DOUBLE_FAULT("DOUBLEFAULT exception stack"),
    NMI("NMI exception stack"),
    DEBUG("DEBUG exception stack"),
    MCE("MCE exception stack"),
    VC("VC exception stack"),
    VC2("VC2 exception stack");

    private final String label;

    StackKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
