package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;

/**
 * An alert as indexed in {@code crash-alerts}, shaped for Kibana's rules: {@code @timestamp} is
 * when it was raised (an Elasticsearch query rule over "the last N minutes" finds each once),
 * {@code event.kind: alert}, {@code event.action} the kind, keyword fields to group by. The id is
 * the alert id, so a re-delivered alert is the same document (version 1: never replaced).
 */
public final class CrashAlertDocument {
    public static final String DATASET = "crashpipe.crash_alert";

    private CrashAlertDocument() {}

    public static SinkDocument of(CrashAlert a, SinkIndices indices) {
        return new SinkDocument(indices.crashAlerts(), a.getAlertId(), 1, source(a));
    }

    public static ObjectNode source(CrashAlert a) {
        ObjectNode o = Sources.object();
        Sources.put(o, "@timestamp", a.getRaisedAt());
        o.put("message", a.getSummary());
        ObjectNode event = o.putObject("event");
        event.put("kind", "alert");
        event.put("action", a.getKind().name().toLowerCase(java.util.Locale.ROOT));
        event.put("dataset", DATASET);
        event.put("id", a.getAlertId());
        o.putObject("host").put("name", a.getHostname());
        ObjectNode crash = o.putObject("crash");
        crash.put("signature", a.getSignature());
        crash.put("title", a.getTitle());
        crash.put("type", a.getType());
        if (a.getFrame() != null) {
            crash.put("frame", a.getFrame());
        }
        crash.put("dump_id", a.getDumpId());
        crash.putObject("kernel").put("release", a.getKernelRelease());
        Sources.put(crash, "time", a.getCrashTime());
        ObjectNode alert = o.putObject("alert");
        alert.put("kind", a.getKind().name());
        alert.put("group_count", a.getGroupCount());
        if (a.getQuietMillis() != null) {
            alert.put("quiet_ms", a.getQuietMillis());
        }
        if (a.getDay() != null) {
            alert.put("day", a.getDay());
        }
        if (a.getDayCount() != null) {
            alert.put("day_count", a.getDayCount());
        }
        if (a.getBaseline() != null) {
            alert.put("baseline", a.getBaseline());
        }
        return o;
    }
}
