package io.crashpipe.parsers.unwind;

/** The unwind left the named special stack (an IRQ or exception stack) for the one below it. */
public record StackSwitch(StackKind left) implements TraceStep {}
