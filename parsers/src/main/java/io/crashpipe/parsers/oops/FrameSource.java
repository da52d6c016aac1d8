package io.crashpipe.parsers.oops;

/** Where a report kind takes its guilty frame from. */
enum FrameSource {
    /** The first call-trace frame that is not machinery. */
    STACK,
    /** The faulting instruction's function (RIP / pc), unless it is machinery; then the stack. */
    RIP,
    /** The function named on the report's first line (KASAN, WARNING ...), unless machinery; then the stack. */
    HEADER,
    /** Lockdep: the function in the first {@code at:} line after "is trying to acquire" / "takes:". */
    LOCK_AT,
    /** Stalls and lockups: the interrupted code, taken just above the first dispatch anchor. */
    STALL,
    /** Hung tasks: the first frame that is not waiting or scheduling machinery. */
    HANG,
    /** The title needs no frame. */
    NONE
}
