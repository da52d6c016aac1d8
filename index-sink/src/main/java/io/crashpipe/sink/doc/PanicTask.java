package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The task that was running the panic, as crash's {@code sys} and {@code bt} name it.
 *
 * @param comm the task's command name, e.g. {@code init}
 * @param task the task_struct address, 0x-prefixed hex
 * @param state crash's state code (RU, IN, UN, ...)
 */
public record PanicTask(long pid, String comm, String task, int cpu, String state) {

    ObjectNode toSource() {
        ObjectNode o = Sources.object();
        o.put("pid", pid);
        o.put("comm", comm);
        o.put("task", task);
        o.put("cpu", cpu);
        o.put("state", state);
        return o;
    }
}
