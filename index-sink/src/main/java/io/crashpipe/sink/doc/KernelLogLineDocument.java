package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;
import java.time.Instant;
import java.util.Optional;

/**
 * One kernel log record of one dump, id = dump id + ":" + sequence, so one query finds a
 * message across every panic.
 *
 * @param timestamp the record's wall-clock time as well as the caller can tell (boot time plus
 *     {@code uptimeNanos}); the crash time when it cannot
 * @param uptimeNanos printk's timestamp, nanoseconds since boot
 * @param level syslog severity 0 (emerg) to 7 (debug)
 * @param facility syslog facility (0 = kernel)
 * @param caller printk's caller, {@code T<tid>} or {@code C<cpu>}, when the kernel records it
 * @param subsystem dev_printk's SUBSYSTEM, empty when none
 * @param device dev_printk's DEVICE, empty when none
 * @param created when the pipeline first read the dump ({@code event.created})
 * @param ingested when the sink produced this document ({@code event.ingested})
 * @param dumpDay the dump's crash time, else when it was first read: picks the dated index, the same
 *     for every line of the dump
 */
public record KernelLogLineDocument(
        String dumpId,
        long sequence,
        Instant timestamp,
        long uptimeNanos,
        int level,
        int facility,
        Optional<String> caller,
        String text,
        String subsystem,
        String device,
        String hostName,
        String kernelRelease,
        ParserVersion parserVersion,
        Instant created,
        Instant ingested,
        Instant dumpDay) {

    public static final String DATASET = "crashpipe.kernel_log";

    /** Without a separate first-read time: created and ingested are both {@code created}. */
    public KernelLogLineDocument(String dumpId, long sequence, Instant timestamp, long uptimeNanos, int level,
            int facility, Optional<String> caller, String text, String subsystem, String device, String hostName,
            String kernelRelease, ParserVersion parserVersion, Instant created) {
        this(dumpId, sequence, timestamp, uptimeNanos, level, facility, caller, text, subsystem, device, hostName,
                kernelRelease, parserVersion, created, created, timestamp);
    }

    public String id() {
        return dumpId + ":" + sequence;
    }

    public SinkDocument toSinkDocument(SinkIndices indices) {
        return new SinkDocument(indices.kernelLogIndex(dumpDay), id(), parserVersion.ordinal(), toSource());
    }

    public ObjectNode toSource() {
        ObjectNode o = Sources.object();
        Sources.put(o, "@timestamp", timestamp);
        o.putObject("ecs").put("version", CrashReportDocument.ECS_VERSION);
        ObjectNode event = o.putObject("event");
        event.put("kind", "event");
        event.putArray("category").add("host");
        event.putArray("type").add("info");
        Sources.put(event, "created", created);
        Sources.put(event, "ingested", ingested);
        event.put("dataset", DATASET);
        // The kernel's own record number: orders the lines of one dump.
        event.put("sequence", sequence);
        ObjectNode host = o.putObject("host");
        host.put("name", hostName);
        host.put("hostname", hostName);
        host.putObject("os").put("kernel", kernelRelease);
        o.put("message", text);

        ObjectNode log = o.putObject("log");
        log.put("level", Syslog.severityName(level));
        ObjectNode syslog = log.putObject("syslog");
        ObjectNode severity = syslog.putObject("severity");
        severity.put("code", level);
        severity.put("name", Syslog.severityName(level));
        ObjectNode fac = syslog.putObject("facility");
        fac.put("code", facility);
        fac.put("name", Syslog.facilityName(facility));

        ObjectNode crash = o.putObject("crash");
        crash.put("dump_id", dumpId);
        crash.put("parser_version", parserVersion.text());
        ObjectNode line = crash.putObject("log");
        line.put("seq", sequence);
        line.put("uptime_ns", uptimeNanos);
        caller.ifPresent(c -> line.put("caller", c));
        if (!subsystem.isEmpty()) {
            line.put("subsystem", subsystem);
        }
        if (!device.isEmpty()) {
            line.put("device", device);
        }
        return o;
    }
}
