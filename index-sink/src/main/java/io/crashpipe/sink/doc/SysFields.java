package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Every field of crash's {@code sys} summary, named as {@code crashpipe sys --json} names them,
 * indexed under {@code crash.sys}. Empty means the dump could not give it.
 *
 * @param loadAverage the 1, 5 and 15 minute load averages, already divided out (crash prints them
 *     with two decimals); empty list when unknown
 * @param tasks how many tasks the task table holds; empty without a task table (no BTF)
 * @param panicTask the task that ran the panic, when the task table names it
 */
public record SysFields(int cpus, int cpusOnline, Optional<Instant> date, String dateSource,
        OptionalLong uptimeSeconds, OptionalInt hz, List<Double> loadAverage, String nodename, String release,
        String version, String machine, OptionalLong cpuMhz, OptionalLong memoryBytes, Optional<String> panic,
        OptionalInt tasks, Optional<PanicTask> panicTask) {

    public SysFields {
        loadAverage = List.copyOf(loadAverage);
    }

    ObjectNode toSource() {
        ObjectNode o = Sources.object();
        o.put("cpus", cpus);
        o.put("cpus_online", cpusOnline);
        Sources.putDate(o, "date", date);
        o.put("date_source", dateSource);
        Sources.putLong(o, "uptime_seconds", uptimeSeconds);
        Sources.putInt(o, "hz", hz);
        if (!loadAverage.isEmpty()) {
            loadAverage.forEach(o.putArray("load_average")::add);
        }
        o.put("nodename", nodename);
        o.put("release", release);
        o.put("version", version);
        o.put("machine", machine);
        Sources.putLong(o, "cpu_mhz", cpuMhz);
        Sources.putLong(o, "memory_bytes", memoryBytes);
        Sources.putText(o, "panic", panic);
        Sources.putInt(o, "tasks", tasks);
        panicTask.ifPresent(t -> o.set("panic_task", t.toSource()));
        return o;
    }
}
