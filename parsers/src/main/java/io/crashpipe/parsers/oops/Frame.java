package io.crashpipe.parsers.oops;

/**
 * One call-trace frame.
 *
 * @param function normalised name (compiler suffixes removed), as used in titles
 * @param rawFunction the name as printed ({@code __handle_sysrq.cold})
 * @param offset offset into the function, -1 when the trace is symbolised without it
 * @param size function size, -1 when unknown
 * @param module module name, empty for vmlinux
 * @param reliable false for {@code ?} frames (values found on the stack, not proven return addresses)
 * @param section the stack section the frame belongs to
 * @param trace which trace of the report: 0 the first (the crash), then e.g. "Allocated by", "Freed by"
 */
public record Frame(String function, String rawFunction, long offset, long size, String module,
        boolean reliable, FrameSection section, int trace) {}
