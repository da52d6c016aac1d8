package io.crashpipe.parsers.unwind;

/** One line group of a backtrace: a frame, a saved register set, or a change of stack. */
public sealed interface TraceStep permits Frame, ExceptionFrame, StackSwitch {}
