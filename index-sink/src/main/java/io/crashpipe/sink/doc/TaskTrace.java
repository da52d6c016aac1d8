package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One task's kernel stack as indexed under {@code crash.backtrace}: frames are objects with a
 * {@code function} keyword, so {@code crash.backtrace.frame.function: ext4_writepages} finds every
 * report with that function on any of its stacks.
 *
 * @param role panic, active (another CPU's running task) or blocked (D state)
 * @param pid the task's pid (a thread id), when readable
 * @param tgid its thread group id (the process), from the task table
 * @param method how the unwinder found the frames (orc, stack_scan, ...)
 * @param stopReason why unwinding ended early, when it did
 */
public record TaskTrace(String role, int cpu, OptionalLong pid, OptionalLong tgid, Optional<String> comm,
        Optional<String> task, Optional<String> state, String method, Optional<String> stopReason,
        List<StackFrame> frames, List<RegisterSet> exceptions) {

    /**
     * @param function empty when the address is in no known symbol
     * @param module the module for module text; empty for the kernel image
     * @param stack the stack slot the return address was read from; empty when from registers
     * @param reliable false for frames found by scanning the stack ("?" in the kernel's traces)
     */
    public record StackFrame(Optional<String> function, OptionalLong offset, OptionalLong size, Optional<String> module,
            long address, OptionalLong stack, boolean reliable) {

        /** As the kernel prints a Call Trace line: {@code ? name+0xoff/0xsize [module]}. */
        public String kernelStyle() {
            String where = function.map(f -> f + (offset.isPresent() ? "+0x" + Long.toHexString(offset.getAsLong()) : "")
                    + (size.isPresent() ? "/0x" + Long.toHexString(size.getAsLong()) : ""))
                    .orElse("0x" + Long.toHexString(address));
            return (reliable ? "" : "? ") + where + module.map(m -> " [" + m + "]").orElse("");
        }
    }

    /**
     * @param beforeFrame index in {@code frames} of the first frame after this register set
     * @param address where the pt_regs sits; empty for the CPU's register note
     */
    public record RegisterSet(int beforeFrame, OptionalLong address, boolean userMode, boolean partial,
            Map<String, Long> registers) {}

    public TaskTrace {
        frames = List.copyOf(frames);
        exceptions = List.copyOf(exceptions);
    }

    /** The trace as the kernel prints its Call Trace, one frame per line (ECS {@code error.stack_trace}). */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (StackFrame f : frames) {
            b.append(' ').append(f.kernelStyle()).append('\n');
        }
        return b.toString();
    }

    ObjectNode toSource() {
        ObjectNode o = Sources.object();
        o.put("role", role);
        o.put("cpu", cpu);
        Sources.putLong(o, "pid", pid);
        Sources.putLong(o, "tgid", tgid);
        Sources.putText(o, "comm", comm);
        Sources.putText(o, "task", task);
        Sources.putText(o, "state", state);
        o.put("method", method);
        Sources.putText(o, "stop_reason", stopReason);
        ArrayNode fs = o.putArray("frame");
        for (int i = 0; i < frames.size(); i++) {
            StackFrame f = frames.get(i);
            ObjectNode j = fs.addObject();
            j.put("index", i);
            Sources.putText(j, "function", f.function());
            Sources.putLong(j, "offset", f.offset());
            Sources.putText(j, "module", f.module());
            j.put("address", hex(f.address()));
            f.stack().ifPresent(s -> j.put("stack", hex(s)));
            j.put("reliable", f.reliable());
        }
        ArrayNode es = o.putArray("exception");
        for (RegisterSet r : exceptions) {
            ObjectNode j = es.addObject();
            j.put("before_frame", r.beforeFrame());
            r.address().ifPresent(a -> j.put("at", hex(a)));
            j.put("user_mode", r.userMode());
            j.put("partial", r.partial());
            ObjectNode regs = j.putObject("registers");
            r.registers().forEach((k, v) -> regs.put(k, hex(v)));
        }
        return o;
    }

    static String hex(long v) {
        return String.format("%016x", v);
    }
}
