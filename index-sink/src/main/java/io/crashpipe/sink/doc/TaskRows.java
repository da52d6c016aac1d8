package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * The task table (crash's {@code ps}) as indexed under {@code crash.tasks}, in ps order.
 *
 * @param omitted rows the topology left out to keep the report bounded (running tasks are always kept)
 */
public record TaskRows(List<Row> rows, int omitted) {
    public static final TaskRows NONE = new TaskRows(List.of(), 0);

    /** One row; {@code task} is the task_struct address, 0x-prefixed hex; {@code state} crash's code. */
    public record Row(long pid, long ppid, long tgid, int cpu, String task, String state, String comm, boolean active,
            long vszKib, long rssKib) {}

    public TaskRows {
        rows = List.copyOf(rows);
    }

    ArrayNode toSource() {
        ArrayNode a = Sources.MAPPER.createArrayNode();
        for (Row r : rows) {
            var o = a.addObject();
            o.put("pid", r.pid());
            o.put("ppid", r.ppid());
            o.put("tgid", r.tgid());
            o.put("cpu", r.cpu());
            o.put("task", r.task());
            o.put("state", r.state());
            o.put("comm", r.comm());
            o.put("active", r.active());
            o.put("vsz_kib", r.vszKib());
            o.put("rss_kib", r.rssKib());
        }
        return a;
    }
}
